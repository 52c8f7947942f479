#compdef chimecall

autoload -U is-at-least

_chimecall() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_chimecall_commands" \
"*::: :->chimecall" \
&& ret=0
    case $state in
    (chimecall)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:chimecall-command-$line[1]:"
        case $line[1] in
            (dial)
_arguments "${_arguments_options[@]}" : \
'(--file)--to=[Number to call, E.164 (e.g. +12065550123)]:E164:_default' \
'--from=[Caller id\: a number of the account'\''s inventory, E.164 (default\: CHIMECALL_FROM, then chimecall_from in the AWS profile)]:E164:_default' \
'--sma-id=[SIP media application that handles the call (default\: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)]:ID:_default' \
'*--arg=[Entry of ArgumentsMap, given to the handler in NEW_OUTBOUND_CALL (repeatable, at most 20)]:KEY=VALUE:_default' \
'*--sip-header=[SIP header for the outbound leg\: x-..., User-to-User or Diversion (repeatable, at most 20)]:NAME=VALUE:_default' \
'(--say-ssml)--say=[The message the call-out handler speaks when the call is answered, plain text of at most 1,000 characters (976 with --ack); a CSV column \`say\` wins over it (docs/callout.md)]:TEXT:_default' \
'--say-ssml=[The message as SSML\: one well-formed <speak> document; a CSV column \`say_ssml\` wins]:SSML:_default' \
'(--success)--ack=[The key that acknowledges the message (0-9 or *)\: a call whose callee presses it is \`acknowledged\` and its row succeeds; one answered without it is \`unacknowledged\`]:KEY:_default' \
'--guard=[Calls to one number at most, per window\: N/DURATION,... (a call counts in every window it falls in; placed or unknown dials of this journal, any batch), or off (default\: CHIMECALL_GUARD, then chimecall_guard in the AWS profile, then 1/1m,3/15m)]:N/DURATION,...|off:_default' \
'--wait=[After dialing, follow the call until it is answered or has ended (exit 5 if it ends unanswered, 6 at --timeout)]:STATE:(answered ended)' \
'--timeout=[How long --wait waits]:DURATION:_default' \
'--log-group=[Handler log group to follow (default\: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA'\''s LambdaArn)]:NAME:_default' \
'--file=[Dial every row of this CSV file (- for stdin)\: columns to, from, id, say, say_ssml, arg.KEY, sip.NAME]:PATH:_files' \
'--batch=[Name the run (the batch --resume, report --batch and hangup --all --batch refer to); default\: the file'\''s absolute path, or a new name for each run from stdin]:NAME:_default' \
'--max-active=[Calls of the run live at once, at most (0\: no cap of chimecall'\''s own); a row starts when a call ends, as its HANGUP shows]:N:_default' \
'--attempts=[With --wait ended\: dial a row up to N times in all, while it ends in a --redial class]:N:_default' \
'--redial-after=[With --attempts\: wait this long before dialing a row again]:DURATION:_default' \
'--until=[With --wait ended\: \`first\` ends the run when the first row succeeds (the others are hung up and end cancelled), \`all\` dials every row to its end]:first|all:(first all)' \
'--escalate-after=[With a \`tier\` column\: start the next tier this long after the last one started, if it is not exhausted by then (default\: when it is exhausted)]:DURATION:_default' \
'--repeat=[With --wait ended\: when the last tier is exhausted and the run has not succeeded, start again from the first tier, up to N more times]:N:_default' \
'--repeat-after=[With --repeat\: the pause before each new round]:DURATION:_default' \
'--redial=[The dispositions dialed again (comma-separated\: busy, no_answer, rejected, not_placed, unacknowledged, ...; answered never is, unknown only with --retry-unknown); default, with --wait ended\: busy,no_answer,not_placed; without, none (--resume --redial not_placed finishes a run whose rows were never placed)]:CLASSES:_default' \
'--success=[With --wait ended\: what a row must do to succeed\: answered, or digits\:REGEX (an answered call whose digits do not all match is unacknowledged)]:answered|digits:REGEX:_default' \
'--rate=[Calls started per second, fractions allowed; 0 means no limit]:N:_default' \
'--concurrency=[Requests in flight at most]:N:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'--no-request-id[Leave out the client request id (ArgumentsMap key chimecall-request-id, the journal'\''s dial_id) that lets \`resolve\` find the call in the handler'\''s logs]' \
'--dry-run[Show the request that would be sent (with --file\: check every row and show what would be dialed), and send nothing]' \
'(--file)--allow-repeat[Place the call though the guard would hold it (the number was called too recently); the journal marks it a deliberate repeat]' \
'(--resume)--again[Dial every row anew as a new batch, though the journal shows the file was dialed before]' \
'--hangup-on-interrupt[Ctrl-C hangs up the run'\''s live calls instead of following them to their end]' \
'--resume[Skip every row that already has an outcome in the journal]' \
'--retry-unknown[Dial again the rows whose outcome is unknown (they may ring twice)\: with --resume, or with --attempts]' \
'--strict[Check every row first; dial nothing if any is invalid]' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(hangup)
_arguments "${_arguments_options[@]}" : \
'--since=[With --all\: only calls placed this recently (10m, 24h) or since this time]:WHEN:_default' \
'--batch=[With --all\: only the calls of this bulk run (the batch name \`dial --file\` printed)]:NAME:_default' \
'--sma-id=[SIP media application that handles the call (default\: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)]:ID:_default' \
'*--arg=[Arguments to send instead of {"action"\:"hangup"} (repeatable, at most 20)]:KEY=VALUE:_default' \
'--rate=[Updates per second when ending many calls (default\: a fresh account'\''s UpdateSipMediaApplicationCall quota, 5; 0 for no limit of our own)]:N:_default' \
'--timeout=[How long --wait waits]:DURATION:_default' \
'--log-group=[Handler log group to follow (default\: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA'\''s LambdaArn)]:NAME:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'--all[End every call in the journal not known to have ended]' \
'--wait[Wait until the handler'\''s logs show the call'\''s final HANGUP (exit 6 at --timeout)]' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::transaction_ids -- TransactionIds of the calls to end; - reads them from stdin, one per line:_default' \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
'--sma-id=[SIP media application that handles the call (default\: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)]:ID:_default' \
'*--arg=[Entry of Arguments, given to the handler in CALL_UPDATE_REQUESTED (repeatable, at most 20; none sends {})]:KEY=VALUE:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':transaction_id -- TransactionId of the call:_default' \
&& ret=0
;;
(calls)
_arguments "${_arguments_options[@]}" : \
'--since=[Only dials this recent (10m, 24h) or since this time]:WHEN:_default' \
'(--offline)--log-group=[Handler log group to ask (default\: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each SMA'\''s /aws/lambda/<function>)]:NAME:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'--active[Only calls placed and not known to have ended]' \
'--offline[Read the journal alone\: do not ask the handler'\''s logs which calls have ended]' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(resolve)
_arguments "${_arguments_options[@]}" : \
'--since=[Only dials this recent (10m, 24h) or since this time]:WHEN:_default' \
'--min-age=[Leave alone dials younger than this\: another chimecall may still be waiting for them]:DURATION:_default' \
'--settle=[How far past a dial the logs must reach (with other calls'\'' NEW_OUTBOUND_CALL events) before their silence means "not placed"]:DURATION:_default' \
'--log-group=[Handler log group to search (default\: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each dial'\''s SMA'\''s /aws/lambda/<function>)]:NAME:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(report)
_arguments "${_arguments_options[@]}" : \
'--batch=[Only this batch\: the name \`dial --file\` printed (by default the file'\''s path)]:NAME:_default' \
'--since=[Only batches dialed this recently (10m, 24h) or since this time]:WHEN:_default' \
'--html=[Also write a self-contained HTML page (outcomes, a timeline of the calls, rows needing attention) to this file]:PATH:_files' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'--rows[Also list each row'\''s final state]' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(journal)
_arguments "${_arguments_options[@]}" : \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_chimecall__subcmd__journal_commands" \
"*::: :->journal" \
&& ret=0

    case $state in
    (journal)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:chimecall-journal-command-$line[1]:"
        case $line[1] in
            (export)
_arguments "${_arguments_options[@]}" : \
'--batch=[Only the records of this batch (its intents, outcomes, redials and its calls'\'' states)]:NAME:_default' \
'--since=[Only records written this recently (10m, 24h) or since this time]:WHEN:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':location -- The table\: dynamodb\:TABLE:_default' \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':from -- The local journal (a SQLite journal, or an old JSON-lines one):_files' \
':to -- The team journal\: dynamodb\:TABLE:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_chimecall__subcmd__journal__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:chimecall-journal-help-command-$line[1]:"
        case $line[1] in
            (export)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(tail)
_arguments "${_arguments_options[@]}" : \
'--sma-id=[SIP media application that handles the call (default\: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)]:ID:_default' \
'--log-group=[Handler log group to read (default\: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA'\''s LambdaArn)]:NAME:_default' \
'--since=[How far back to look\: a duration (10m, 24h) or a time (2026-11-29T19\:00\:00Z)]:WHEN:_default' \
'--interval=[Poll this often, 100ms at least (default\: 250 ms after activity, backing off to 1 s; never faster than --logs-rate)]:DURATION:_default' \
'--timeout=[With --follow\: give up after this long (exit 6)]:DURATION:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'-f[Keep reading until the call'\''s final HANGUP (exit 0 if it was answered, 5 if not)]' \
'--follow[Keep reading until the call'\''s final HANGUP (exit 0 if it was answered, 5 if not)]' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':transaction_id -- TransactionId of the call:_default' \
&& ret=0
;;
(sandbox)
_arguments "${_arguments_options[@]}" : \
'--port=[Port to listen on (0 picks a free one)]:PORT:_default' \
'--bind=[Address to listen on; anything but loopback exposes the sandbox to the network]:ADDR:_default' \
'--sandbox-region=[Region the sandbox'\''s account lives in (requests must be signed for it)]:REGION:_default' \
'--sip-media-applications=[How many SIP media applications the account has (the first is CHIMECALL_SMA_ID)]:SIP_MEDIA_APPLICATIONS:_default' \
'--answer-after=[How long a callee takes to answer (e.g. 2s, 300ms). Numbers ending in 486 are busy, in 480 never answer, in 487 hang up 1 s after answering]:DURATION:_default' \
'--ring-timeout=[How long a phone rings before the call ends unanswered (HANGUP 480)]:DURATION:_default' \
'--max-call-duration=[The longest a call may last before the service ends it]:DURATION:_default' \
'*--quota=[Set one of the account'\''s quotas, as Service Quotas would (repeatable)\: create-rate, update-rate, filter-log-events-rate (requests per second), active-calls; a whole number or \`unlimited\`]:NAME=VALUE:_default' \
'--access-log=[Append one JSON line per request served to this file (time, operation, status, error, ms, client_request_id, transaction_id)]:PATH:_files' \
'--handler=[Send invocation events to this Lambda Invoke API endpoint (cargo lambda watch, sam local start-lambda) instead of the built-in handler]:URL:_default' \
'--handler-timeout=[How long the SIP media application waits for its handler before retrying]:DURATION:_default' \
'*--fault=[Inject a fault into CreateSipMediaApplicationCall and UpdateSipMediaApplicationCall with probability P (repeatable)\: error-before=P (500, nothing done), unavailable-before=P (503, nothing done), error-after=P (done, then 500), drop-after=P (done, then the connection is closed unanswered), slow-after=P (done, the answer held 10 minutes)]:NAME=P:_default' \
'*--handler-fault=[Make the handler fail with probability P (repeatable)\: timeout=P (no answer within --handler-timeout), error=P (a function error)]:NAME=P:_default' \
'--throttle-cps=[Shorthand for --quota create-rate=N\: 429 ThrottledClientException to creates above N per second (nothing is done)]:N:_default' \
'--seed=[Seed the fault dice and the callee mixes, for runs that repeat (--fault-seed is an alias)]:N:_default' \
'--function-name=[The handler'\''s function name (the SIP media application'\''s LambdaArn ends with it; its logs go to /aws/lambda/NAME)]:NAME:_default' \
'--callees=[Script the callees\: a TOML file of \[\[callee\]\] entries (number, answer_after, busy, no_answer, reject, press, hangup_after, weight); numbers it does not match keep the rules by their last digits]:FILE:_files' \
'--time-scale=[Run simulated time F times faster (ringing, answers, presses, prompts, pauses, digit timeouts, the ring timeout, the maximum call duration); the handler timeout is not scaled]:F:_default' \
'--hangup-while-ringing=[What a Hangup action does to a call that still rings\: \`ends\` it unanswered, or \`fails\` (ACTION_FAILED InvalidActionParameter, and the phone rings on), as a user reports of AWS]:ends|fails:(ends fails)' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'--no-quotas[Lift every quota not set with --quota (for benchmarks, and tests that measure other things)]' \
'--detach[Start in the background and return once it serves\: prints the six export lines and a seventh, CHIMECALL_SANDBOX_PID, for \`eval "\$(chimecall sandbox --detach)"\`]' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
'--to=[Number the demo calls (it only rings inside the sandbox)]:E164:_default' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--dir=[Write the script into this directory instead of stdout]:DIR:_files' \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--profile=[AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default\: AWS_PROFILE, then "default")]:NAME:_default' \
'--journal=[The call journal\: a file, or dynamodb\:TABLE for a team'\''s journal shared by runners on several machines (default\: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)]:PATH|dynamodb:TABLE:_default' \
'--region=[AWS region (default\: AWS_REGION, then the profile'\''s region)]:REGION:_default' \
'--endpoint-url=[Send requests to this endpoint instead of AWS'\''s (default\: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)]:URL:_default' \
'-o+[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--output=[Output format\: text for people and \$(...), json (one object per line) for programs]:OUTPUT:(text json)' \
'--logs-rate=[FilterLogEvents requests per second, at most, for following calls (the account'\''s quota, 10 to 25, is shared with everything else it runs)]:N:_default' \
'--connect-timeout=[Give up connecting to AWS after this long]:DURATION:_default' \
'--attempt-timeout=[Give up waiting for one request'\''s answer after this long (a dial'\''s outcome is then unknown)]:DURATION:_default' \
'--operation-timeout=[Give up on an operation, all its retries included, after this long]:DURATION:_default' \
'(-q --quiet)*-v[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'(-q --quiet)*--verbose[More diagnostics on stderr (-v\: chimecall and retries, -vv\: the AWS SDK too)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'--redact[Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_chimecall__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:chimecall-help-command-$line[1]:"
        case $line[1] in
            (dial)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(hangup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(calls)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(resolve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(report)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(journal)
_arguments "${_arguments_options[@]}" : \
":: :_chimecall__subcmd__help__subcmd__journal_commands" \
"*::: :->journal" \
&& ret=0

    case $state in
    (journal)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:chimecall-help-journal-command-$line[1]:"
        case $line[1] in
            (export)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(tail)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sandbox)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_chimecall_commands] )) ||
_chimecall_commands() {
    local commands; commands=(
'dial:Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId' \
'hangup:End calls\: UpdateSipMediaApplicationCall with Arguments {"action"\:"hangup"}' \
'update:Send Arguments to a call'\''s handler (UpdateSipMediaApplicationCall)' \
'calls:List the calls in the journal (every dial chimecall made)' \
'resolve:Settle the journal'\''s unknown dial outcomes from the handler'\''s logs' \
'report:Summarise the journal'\''s bulk runs\: how every row ended (--html for a page)' \
'journal:The call journal itself\: \`journal export\` writes its records as JSON lines' \
'tail:Show a call'\''s events (its timeline) from its handler'\''s logs; --follow until it ends' \
'sandbox:Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)' \
'demo:Walk through a real dial and hangup against an in-process sandbox' \
'completions:Print a shell completion script' \
'man:Print the man page (roff)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'chimecall commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__calls_commands] )) ||
_chimecall__subcmd__calls_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall calls commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__completions_commands] )) ||
_chimecall__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall completions commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__demo_commands] )) ||
_chimecall__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall demo commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__dial_commands] )) ||
_chimecall__subcmd__dial_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall dial commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__hangup_commands] )) ||
_chimecall__subcmd__hangup_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall hangup commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help_commands] )) ||
_chimecall__subcmd__help_commands() {
    local commands; commands=(
'dial:Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId' \
'hangup:End calls\: UpdateSipMediaApplicationCall with Arguments {"action"\:"hangup"}' \
'update:Send Arguments to a call'\''s handler (UpdateSipMediaApplicationCall)' \
'calls:List the calls in the journal (every dial chimecall made)' \
'resolve:Settle the journal'\''s unknown dial outcomes from the handler'\''s logs' \
'report:Summarise the journal'\''s bulk runs\: how every row ended (--html for a page)' \
'journal:The call journal itself\: \`journal export\` writes its records as JSON lines' \
'tail:Show a call'\''s events (its timeline) from its handler'\''s logs; --follow until it ends' \
'sandbox:Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)' \
'demo:Walk through a real dial and hangup against an in-process sandbox' \
'completions:Print a shell completion script' \
'man:Print the man page (roff)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'chimecall help commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__calls_commands] )) ||
_chimecall__subcmd__help__subcmd__calls_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help calls commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__completions_commands] )) ||
_chimecall__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help completions commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__demo_commands] )) ||
_chimecall__subcmd__help__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help demo commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__dial_commands] )) ||
_chimecall__subcmd__help__subcmd__dial_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help dial commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__hangup_commands] )) ||
_chimecall__subcmd__help__subcmd__hangup_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help hangup commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__help_commands] )) ||
_chimecall__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help help commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__journal_commands] )) ||
_chimecall__subcmd__help__subcmd__journal_commands() {
    local commands; commands=(
'export:Write every record of the journal on stdout, one JSON object a line, in the order written' \
'create:Create a team journal\: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)' \
'copy:Copy a local journal'\''s records into a team journal; a second copy copies nothing twice' \
    )
    _describe -t commands 'chimecall help journal commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__journal__subcmd__copy_commands] )) ||
_chimecall__subcmd__help__subcmd__journal__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help journal copy commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__journal__subcmd__create_commands] )) ||
_chimecall__subcmd__help__subcmd__journal__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help journal create commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__journal__subcmd__export_commands] )) ||
_chimecall__subcmd__help__subcmd__journal__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help journal export commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__man_commands] )) ||
_chimecall__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help man commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__report_commands] )) ||
_chimecall__subcmd__help__subcmd__report_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help report commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__resolve_commands] )) ||
_chimecall__subcmd__help__subcmd__resolve_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help resolve commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__sandbox_commands] )) ||
_chimecall__subcmd__help__subcmd__sandbox_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help sandbox commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__tail_commands] )) ||
_chimecall__subcmd__help__subcmd__tail_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help tail commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__help__subcmd__update_commands] )) ||
_chimecall__subcmd__help__subcmd__update_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall help update commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal_commands] )) ||
_chimecall__subcmd__journal_commands() {
    local commands; commands=(
'export:Write every record of the journal on stdout, one JSON object a line, in the order written' \
'create:Create a team journal\: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)' \
'copy:Copy a local journal'\''s records into a team journal; a second copy copies nothing twice' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'chimecall journal commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__copy_commands] )) ||
_chimecall__subcmd__journal__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal copy commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__create_commands] )) ||
_chimecall__subcmd__journal__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal create commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__export_commands] )) ||
_chimecall__subcmd__journal__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal export commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__help_commands] )) ||
_chimecall__subcmd__journal__subcmd__help_commands() {
    local commands; commands=(
'export:Write every record of the journal on stdout, one JSON object a line, in the order written' \
'create:Create a team journal\: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)' \
'copy:Copy a local journal'\''s records into a team journal; a second copy copies nothing twice' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'chimecall journal help commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__help__subcmd__copy_commands] )) ||
_chimecall__subcmd__journal__subcmd__help__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal help copy commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__help__subcmd__create_commands] )) ||
_chimecall__subcmd__journal__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal help create commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__help__subcmd__export_commands] )) ||
_chimecall__subcmd__journal__subcmd__help__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal help export commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__journal__subcmd__help__subcmd__help_commands] )) ||
_chimecall__subcmd__journal__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall journal help help commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__man_commands] )) ||
_chimecall__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall man commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__report_commands] )) ||
_chimecall__subcmd__report_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall report commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__resolve_commands] )) ||
_chimecall__subcmd__resolve_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall resolve commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__sandbox_commands] )) ||
_chimecall__subcmd__sandbox_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall sandbox commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__tail_commands] )) ||
_chimecall__subcmd__tail_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall tail commands' commands "$@"
}
(( $+functions[_chimecall__subcmd__update_commands] )) ||
_chimecall__subcmd__update_commands() {
    local commands; commands=()
    _describe -t commands 'chimecall update commands' commands "$@"
}

if [ "$funcstack[1]" = "_chimecall" ]; then
    _chimecall "$@"
else
    compdef _chimecall chimecall
fi
