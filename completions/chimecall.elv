
use builtin;
use str;

set edit:completion:arg-completer[chimecall] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'chimecall'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'chimecall'= {
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand dial 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId'
            cand hangup 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}'
            cand update 'Send Arguments to a call''s handler (UpdateSipMediaApplicationCall)'
            cand sandbox 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)'
            cand demo 'Walk through a real dial and hangup against an in-process sandbox'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'chimecall;dial'= {
            cand --to 'Number to call, E.164 (e.g. +12065550123)'
            cand --from 'Caller id: a number of the account''s inventory, E.164'
            cand --sma-id 'SIP media application that handles the call'
            cand --arg 'Entry of ArgumentsMap, given to the handler in NEW_OUTBOUND_CALL (repeatable, at most 20)'
            cand --sip-header 'SIP header for the outbound leg: x-..., User-to-User or Diversion (repeatable, at most 20)'
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --dry-run 'Show the request that would be sent, and send nothing'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;hangup'= {
            cand --sma-id 'SIP media application that handles the call'
            cand --arg 'Arguments to send instead of {"action":"hangup"} (repeatable, at most 20)'
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;update'= {
            cand --sma-id 'SIP media application that handles the call'
            cand --arg 'Entry of Arguments, given to the handler in CALL_UPDATE_REQUESTED (repeatable, at most 20; none sends {})'
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;sandbox'= {
            cand --port 'Port to listen on (0 picks a free one)'
            cand --bind 'Address to listen on; anything but loopback exposes the sandbox to the network'
            cand --sandbox-region 'Region the sandbox''s account lives in (requests must be signed for it)'
            cand --sip-media-applications 'How many SIP media applications the account has (the first is CHIMECALL_SMA_ID)'
            cand --answer-after 'How long a callee takes to answer (e.g. 2s, 300ms)'
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;demo'= {
            cand --to 'Number the demo calls (it only rings inside the sandbox)'
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;completions'= {
            cand --dir 'Write the script into this directory instead of stdout'
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;man'= {
            cand --profile 'AWS profile from ~/.aws/config to use (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;help'= {
            cand dial 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId'
            cand hangup 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}'
            cand update 'Send Arguments to a call''s handler (UpdateSipMediaApplicationCall)'
            cand sandbox 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)'
            cand demo 'Walk through a real dial and hangup against an in-process sandbox'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'chimecall;help;dial'= {
        }
        &'chimecall;help;hangup'= {
        }
        &'chimecall;help;update'= {
        }
        &'chimecall;help;sandbox'= {
        }
        &'chimecall;help;demo'= {
        }
        &'chimecall;help;completions'= {
        }
        &'chimecall;help;man'= {
        }
        &'chimecall;help;help'= {
        }
    ]
    $completions[$command]
}
