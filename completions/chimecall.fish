# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_chimecall_global_optspecs
    string join \n profile= journal= region= endpoint-url= o/output= v/verbose q/quiet redact logs-rate= connect-timeout= attempt-timeout= operation-timeout= h/help V/version
end

function __fish_chimecall_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_chimecall_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_chimecall_using_subcommand
    set -l cmd (__fish_chimecall_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c chimecall -n "__fish_chimecall_needs_command" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_needs_command" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_needs_command" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_needs_command" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chimecall -n "__fish_chimecall_needs_command" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "dial" -d 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "hangup" -d 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "update" -d 'Send Arguments to a call\'s handler (UpdateSipMediaApplicationCall)'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "calls" -d 'List the calls in the journal (every dial chimecall made)'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "resolve" -d 'Settle the journal\'s unknown dial outcomes from the handler\'s logs'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "report" -d 'Summarise the journal\'s bulk runs: how every row ended (--html for a page)'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "journal" -d 'The call journal itself: `journal export` writes its records as JSON lines'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "tail" -d 'Show a call\'s events (its timeline) from its handler\'s logs; --follow until it ends'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "sandbox" -d 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "demo" -d 'Walk through a real dial and hangup against an in-process sandbox'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c chimecall -n "__fish_chimecall_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l to -d 'Number to call, E.164 (e.g. +12065550123)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l from -d 'Caller id: a number of the account\'s inventory, E.164 (default: CHIMECALL_FROM, then chimecall_from in the AWS profile)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l sma-id -d 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l arg -d 'Entry of ArgumentsMap, given to the handler in NEW_OUTBOUND_CALL (repeatable, at most 20)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l sip-header -d 'SIP header for the outbound leg: x-..., User-to-User or Diversion (repeatable, at most 20)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l say -d 'The message the call-out handler speaks when the call is answered, plain text of at most 1,000 characters (976 with --ack); a CSV column `say` wins over it (docs/callout.md)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l say-ssml -d 'The message as SSML: one well-formed <speak> document; a CSV column `say_ssml` wins' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l ack -d 'The key that acknowledges the message (0-9 or *): a call whose callee presses it is `acknowledged` and its row succeeds; one answered without it is `unacknowledged`' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l guard -d 'Calls to one number at most, per window: N/DURATION,... (a call counts in every window it falls in; placed or unknown dials of this journal, any batch), or off (default: CHIMECALL_GUARD, then chimecall_guard in the AWS profile, then 1/1m,3/15m)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l wait -d 'After dialing, follow the call until it is answered or has ended (exit 5 if it ends unanswered, 6 at --timeout)' -r -f -a "answered\t''
ended\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l timeout -d 'How long --wait waits' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l log-group -d 'Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA\'s LambdaArn)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l file -d 'Dial every row of this CSV file (- for stdin): columns to, from, id, say, say_ssml, arg.KEY, sip.NAME' -r -F
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l batch -d 'Name the run (the batch --resume, report --batch and hangup --all --batch refer to); default: the file\'s absolute path, or a new name for each run from stdin' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l max-active -d 'Calls of the run live at once, at most (0: no cap of chimecall\'s own); a row starts when a call ends, as its HANGUP shows' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l attempts -d 'With --wait ended: dial a row up to N times in all, while it ends in a --redial class' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l redial-after -d 'With --attempts: wait this long before dialing a row again' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l until -d 'With --wait ended: `first` ends the run when the first row succeeds (the others are hung up and end cancelled), `all` dials every row to its end' -r -f -a "first\t''
all\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l escalate-after -d 'With a `tier` column: start the next tier this long after the last one started, if it is not exhausted by then (default: when it is exhausted)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l repeat -d 'With --wait ended: when the last tier is exhausted and the run has not succeeded, start again from the first tier, up to N more times' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l repeat-after -d 'With --repeat: the pause before each new round' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l redial -d 'The dispositions dialed again (comma-separated: busy, no_answer, rejected, not_placed, unacknowledged, ...; answered never is, unknown only with --retry-unknown); default, with --wait ended: busy,no_answer,not_placed; without, none (--resume --redial not_placed finishes a run whose rows were never placed)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l success -d 'With --wait ended: what a row must do to succeed: answered, or digits:REGEX (an answered call whose digits do not all match is unacknowledged)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l rate -d 'Calls started per second, fractions allowed; 0 means no limit' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l concurrency -d 'Requests in flight at most' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l no-request-id -d 'Leave out the client request id (ArgumentsMap key chimecall-request-id, the journal\'s dial_id) that lets `resolve` find the call in the handler\'s logs'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l dry-run -d 'Show the request that would be sent (with --file: check every row and show what would be dialed), and send nothing'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l allow-repeat -d 'Place the call though the guard would hold it (the number was called too recently); the journal marks it a deliberate repeat'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l again -d 'Dial every row anew as a new batch, though the journal shows the file was dialed before'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l hangup-on-interrupt -d 'Ctrl-C hangs up the run\'s live calls instead of following them to their end'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l resume -d 'Skip every row that already has an outcome in the journal'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l retry-unknown -d 'Dial again the rows whose outcome is unknown (they may ring twice): with --resume, or with --attempts'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l strict -d 'Check every row first; dial nothing if any is invalid'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand dial" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l since -d 'With --all: only calls placed this recently (10m, 24h) or since this time' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l batch -d 'With --all: only the calls of this bulk run (the batch name `dial --file` printed)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l sma-id -d 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l arg -d 'Arguments to send instead of {"action":"hangup"} (repeatable, at most 20)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l rate -d 'Updates per second when ending many calls (default: a fresh account\'s UpdateSipMediaApplicationCall quota, 5; 0 for no limit of our own)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l timeout -d 'How long --wait waits' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l log-group -d 'Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA\'s LambdaArn)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l all -d 'End every call in the journal not known to have ended'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l wait -d 'Wait until the handler\'s logs show the call\'s final HANGUP (exit 6 at --timeout)'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand hangup" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l sma-id -d 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l arg -d 'Entry of Arguments, given to the handler in CALL_UPDATE_REQUESTED (repeatable, at most 20; none sends {})' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand update" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l since -d 'Only dials this recent (10m, 24h) or since this time' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l log-group -d 'Handler log group to ask (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each SMA\'s /aws/lambda/<function>)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l active -d 'Only calls placed and not known to have ended'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l offline -d 'Read the journal alone: do not ask the handler\'s logs which calls have ended'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand calls" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l since -d 'Only dials this recent (10m, 24h) or since this time' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l min-age -d 'Leave alone dials younger than this: another chimecall may still be waiting for them' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l settle -d 'How far past a dial the logs must reach (with other calls\' NEW_OUTBOUND_CALL events) before their silence means "not placed"' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l log-group -d 'Handler log group to search (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each dial\'s SMA\'s /aws/lambda/<function>)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand resolve" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l batch -d 'Only this batch: the name `dial --file` printed (by default the file\'s path)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l since -d 'Only batches dialed this recently (10m, 24h) or since this time' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l html -d 'Also write a self-contained HTML page (outcomes, a timeline of the calls, rows needing attention) to this file' -r -F
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l rows -d 'Also list each row\'s final state'
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand report" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -f -a "export" -d 'Write every record of the journal on stdout, one JSON object a line, in the order written'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -f -a "create" -d 'Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -f -a "copy" -d 'Copy a local journal\'s records into a team journal; a second copy copies nothing twice'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and not __fish_seen_subcommand_from export create copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l batch -d 'Only the records of this batch (its intents, outcomes, redials and its calls\' states)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l since -d 'Only records written this recently (10m, 24h) or since this time' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from copy" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every record of the journal on stdout, one JSON object a line, in the order written'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy a local journal\'s records into a team journal; a second copy copies nothing twice'
complete -c chimecall -n "__fish_chimecall_using_subcommand journal; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l sma-id -d 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l log-group -d 'Handler log group to read (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA\'s LambdaArn)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l since -d 'How far back to look: a duration (10m, 24h) or a time (2026-11-29T19:00:00Z)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l interval -d 'Poll this often, 100ms at least (default: 250 ms after activity, backing off to 1 s; never faster than --logs-rate)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l timeout -d 'With --follow: give up after this long (exit 6)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -s f -l follow -d 'Keep reading until the call\'s final HANGUP (exit 0 if it was answered, 5 if not)'
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand tail" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l bind -d 'Address to listen on; anything but loopback exposes the sandbox to the network' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l sandbox-region -d 'Region the sandbox\'s account lives in (requests must be signed for it)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l sip-media-applications -d 'How many SIP media applications the account has (the first is CHIMECALL_SMA_ID)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l answer-after -d 'How long a callee takes to answer (e.g. 2s, 300ms). Numbers ending in 486 are busy, in 480 never answer, in 487 hang up 1 s after answering' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l ring-timeout -d 'How long a phone rings before the call ends unanswered (HANGUP 480)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l max-call-duration -d 'The longest a call may last before the service ends it' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l quota -d 'Set one of the account\'s quotas, as Service Quotas would (repeatable): create-rate, update-rate, filter-log-events-rate (requests per second), active-calls; a whole number or `unlimited`' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l access-log -d 'Append one JSON line per request served to this file (time, operation, status, error, ms, client_request_id, transaction_id)' -r -F
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l handler -d 'Send invocation events to this Lambda Invoke API endpoint (cargo lambda watch, sam local start-lambda) instead of the built-in handler' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l handler-timeout -d 'How long the SIP media application waits for its handler before retrying' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l fault -d 'Inject a fault into CreateSipMediaApplicationCall and UpdateSipMediaApplicationCall with probability P (repeatable): error-before=P (500, nothing done), unavailable-before=P (503, nothing done), error-after=P (done, then 500), drop-after=P (done, then the connection is closed unanswered), slow-after=P (done, the answer held 10 minutes)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l handler-fault -d 'Make the handler fail with probability P (repeatable): timeout=P (no answer within --handler-timeout), error=P (a function error)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l throttle-cps -d 'Shorthand for --quota create-rate=N: 429 ThrottledClientException to creates above N per second (nothing is done)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l seed -d 'Seed the fault dice and the callee mixes, for runs that repeat (--fault-seed is an alias)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l function-name -d 'The handler\'s function name (the SIP media application\'s LambdaArn ends with it; its logs go to /aws/lambda/NAME)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l callees -d 'Script the callees: a TOML file of [[callee]] entries (number, answer_after, busy, no_answer, reject, press, hangup_after, weight); numbers it does not match keep the rules by their last digits' -r -F
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l time-scale -d 'Run simulated time F times faster (ringing, answers, presses, prompts, pauses, digit timeouts, the ring timeout, the maximum call duration); the handler timeout is not scaled' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l hangup-while-ringing -d 'What a Hangup action does to a call that still rings: `ends` it unanswered, or `fails` (ACTION_FAILED InvalidActionParameter, and the phone rings on), as a user reports of AWS' -r -f -a "ends\t''
fails\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l no-quotas -d 'Lift every quota not set with --quota (for benchmarks, and tests that measure other things)'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l detach -d 'Start in the background and return once it serves: prints the six export lines and a seventh, CHIMECALL_SANDBOX_PID, for `eval "$(chimecall sandbox --detach)"`'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chimecall -n "__fish_chimecall_using_subcommand sandbox" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l to -d 'Number the demo calls (it only rings inside the sandbox)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand demo" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l dir -d 'Write the script into this directory instead of stdout' -r -F
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand completions" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l profile -d 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l journal -d 'The call journal: a file, or dynamodb:TABLE for a team\'s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l endpoint-url -d 'Send requests to this endpoint instead of AWS\'s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -s o -l output -d 'Output format: text for people and $(...), json (one object per line) for programs' -r -f -a "text\t''
json\t''"
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l logs-rate -d 'FilterLogEvents requests per second, at most, for following calls (the account\'s quota, 10 to 25, is shared with everything else it runs)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l connect-timeout -d 'Give up connecting to AWS after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l attempt-timeout -d 'Give up waiting for one request\'s answer after this long (a dial\'s outcome is then unknown)' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l operation-timeout -d 'Give up on an operation, all its retries included, after this long' -r
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -s v -l verbose -d 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)'
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -s q -l quiet -d 'Only errors on stderr'
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -l redact -d 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact'
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -s h -l help -d 'Print help'
complete -c chimecall -n "__fish_chimecall_using_subcommand man" -s V -l version -d 'Print version'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "dial" -d 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "hangup" -d 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "update" -d 'Send Arguments to a call\'s handler (UpdateSipMediaApplicationCall)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "calls" -d 'List the calls in the journal (every dial chimecall made)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "resolve" -d 'Settle the journal\'s unknown dial outcomes from the handler\'s logs'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "report" -d 'Summarise the journal\'s bulk runs: how every row ended (--html for a page)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "journal" -d 'The call journal itself: `journal export` writes its records as JSON lines'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "tail" -d 'Show a call\'s events (its timeline) from its handler\'s logs; --follow until it ends'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "sandbox" -d 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "demo" -d 'Walk through a real dial and hangup against an in-process sandbox'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and not __fish_seen_subcommand_from dial hangup update calls resolve report journal tail sandbox demo completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and __fish_seen_subcommand_from journal" -f -a "export" -d 'Write every record of the journal on stdout, one JSON object a line, in the order written'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and __fish_seen_subcommand_from journal" -f -a "create" -d 'Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)'
complete -c chimecall -n "__fish_chimecall_using_subcommand help; and __fish_seen_subcommand_from journal" -f -a "copy" -d 'Copy a local journal\'s records into a team journal; a second copy copies nothing twice'
