
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
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand dial 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId'
            cand hangup 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}'
            cand update 'Send Arguments to a call''s handler (UpdateSipMediaApplicationCall)'
            cand calls 'List the calls in the journal (every dial chimecall made)'
            cand resolve 'Settle the journal''s unknown dial outcomes from the handler''s logs'
            cand tail 'Show a call''s events (its timeline) from its handler''s logs; --follow until it ends'
            cand sandbox 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)'
            cand demo 'Walk through a real dial and hangup against an in-process sandbox'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'chimecall;dial'= {
            cand --to 'Number to call, E.164 (e.g. +12065550123)'
            cand --from 'Caller id: a number of the account''s inventory, E.164 (default: CHIMECALL_FROM, then chimecall_from in the AWS profile)'
            cand --sma-id 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)'
            cand --arg 'Entry of ArgumentsMap, given to the handler in NEW_OUTBOUND_CALL (repeatable, at most 20)'
            cand --sip-header 'SIP header for the outbound leg: x-..., User-to-User or Diversion (repeatable, at most 20)'
            cand --wait 'After dialing, follow the call until it is answered or has ended (exit 5 if it ends unanswered, 6 at --timeout)'
            cand --timeout 'How long --wait waits'
            cand --log-group 'Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA''s LambdaArn)'
            cand --file 'Dial every row of this CSV file (- for stdin): columns to, from, id, arg.KEY, sip.NAME'
            cand --rate 'Calls started per second, fractions allowed; 0 means no limit'
            cand --concurrency 'Requests in flight at most'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand --no-request-id 'Leave out the client request id (ArgumentsMap key chimecall-request-id, the journal''s dial_id) that lets `resolve` find the call in the handler''s logs'
            cand --dry-run 'Show the request that would be sent, and send nothing'
            cand --resume 'Skip every row that already has an outcome in the journal'
            cand --retry-unknown 'With --resume: dial again the rows whose outcome is unknown (they may ring twice)'
            cand --strict 'Check every row first; dial nothing if any is invalid'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;hangup'= {
            cand --since 'With --all: only calls placed this recently (10m, 24h) or since this time'
            cand --sma-id 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)'
            cand --arg 'Arguments to send instead of {"action":"hangup"} (repeatable, at most 20)'
            cand --timeout 'How long --wait waits'
            cand --log-group 'Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA''s LambdaArn)'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand --all 'End every call in the journal not known to have ended'
            cand --wait 'Wait until the handler''s logs show the call''s final HANGUP (exit 6 at --timeout)'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;update'= {
            cand --sma-id 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)'
            cand --arg 'Entry of Arguments, given to the handler in CALL_UPDATE_REQUESTED (repeatable, at most 20; none sends {})'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;calls'= {
            cand --since 'Only dials this recent (10m, 24h) or since this time'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand --active 'Only calls placed and not known to have ended'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;resolve'= {
            cand --since 'Only dials this recent (10m, 24h) or since this time'
            cand --min-age 'Leave alone dials younger than this: another chimecall may still be waiting for them'
            cand --settle 'How far past a dial the logs must reach (with other calls'' NEW_OUTBOUND_CALL events) before their silence means "not placed"'
            cand --log-group 'Handler log group to search (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each dial''s SMA''s /aws/lambda/<function>)'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;tail'= {
            cand --sma-id 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)'
            cand --log-group 'Handler log group to read (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA''s LambdaArn)'
            cand --since 'How far back to look: a duration (10m, 24h) or a time (2026-11-29T19:00:00Z)'
            cand --interval 'Poll this often, 100ms at least (default: 250 ms after activity, backing off to 1 s)'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -f 'Keep reading until the call''s final HANGUP (exit 0 if it was answered, 5 if not)'
            cand --follow 'Keep reading until the call''s final HANGUP (exit 0 if it was answered, 5 if not)'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
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
            cand --answer-after 'How long a callee takes to answer (e.g. 2s, 300ms). Numbers ending in 486 are busy, in 480 never answer, in 487 hang up 1 s after answering'
            cand --ring-timeout 'How long a phone rings before the call ends unanswered (HANGUP 480)'
            cand --max-call-duration 'The longest a call may last before the service ends it'
            cand --quota 'Set one of the account''s quotas, as Service Quotas would (repeatable): create-rate, update-rate, filter-log-events-rate (requests per second), active-calls; a whole number or `unlimited`'
            cand --access-log 'Append one JSON line per request served to this file (time, operation, status, error, ms, client_request_id, transaction_id)'
            cand --handler 'Send invocation events to this Lambda Invoke API endpoint (cargo lambda watch, sam local start-lambda) instead of the built-in handler'
            cand --handler-timeout 'How long the SIP media application waits for its handler before retrying'
            cand --fault 'Inject a fault into CreateSipMediaApplicationCall and UpdateSipMediaApplicationCall with probability P (repeatable): error-before=P (500, nothing done), unavailable-before=P (503, nothing done), error-after=P (done, then 500), drop-after=P (done, then the connection is closed unanswered), slow-after=P (done, the answer held 10 minutes)'
            cand --handler-fault 'Make the handler fail with probability P (repeatable): timeout=P (no answer within --handler-timeout), error=P (a function error)'
            cand --throttle-cps 'Shorthand for --quota create-rate=N: 429 ThrottledClientException to creates above N per second (nothing is done)'
            cand --fault-seed 'Seed the fault dice, for runs that repeat'
            cand --function-name 'The handler''s function name (the SIP media application''s LambdaArn ends with it; its logs go to /aws/lambda/NAME)'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand --no-quotas 'Lift every quota not set with --quota (for benchmarks, and tests that measure other things)'
            cand --detach 'Start in the background and return once it serves: prints the six export lines and a seventh, CHIMECALL_SANDBOX_PID, for `eval "$(chimecall sandbox --detach)"`'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;demo'= {
            cand --to 'Number the demo calls (it only rings inside the sandbox)'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;completions'= {
            cand --dir 'Write the script into this directory instead of stdout'
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;man'= {
            cand --profile 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from and chimecall_log_group (default: AWS_PROFILE, then "default")'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)'
            cand -o 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --output 'Output format: text for people and $(...), json (one object per line) for programs'
            cand --connect-timeout 'Give up connecting to AWS after this long'
            cand --attempt-timeout 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)'
            cand --operation-timeout 'Give up on an operation, all its retries included, after this long'
            cand -v 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand --verbose 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand --redact 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'chimecall;help'= {
            cand dial 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId'
            cand hangup 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}'
            cand update 'Send Arguments to a call''s handler (UpdateSipMediaApplicationCall)'
            cand calls 'List the calls in the journal (every dial chimecall made)'
            cand resolve 'Settle the journal''s unknown dial outcomes from the handler''s logs'
            cand tail 'Show a call''s events (its timeline) from its handler''s logs; --follow until it ends'
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
        &'chimecall;help;calls'= {
        }
        &'chimecall;help;resolve'= {
        }
        &'chimecall;help;tail'= {
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
