
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'chimecall' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'chimecall'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'chimecall' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('dial', 'dial', [CompletionResultType]::ParameterValue, 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId')
            [CompletionResult]::new('hangup', 'hangup', [CompletionResultType]::ParameterValue, 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Send Arguments to a call''s handler (UpdateSipMediaApplicationCall)')
            [CompletionResult]::new('calls', 'calls', [CompletionResultType]::ParameterValue, 'List the calls in the journal (every dial chimecall made)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Settle the journal''s unknown dial outcomes from the handler''s logs')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Summarise the journal''s bulk runs: how every row ended (--html for a page)')
            [CompletionResult]::new('journal', 'journal', [CompletionResultType]::ParameterValue, 'The call journal itself: `journal export` writes its records as JSON lines')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Show a call''s events (its timeline) from its handler''s logs; --follow until it ends')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Walk through a real dial and hangup against an in-process sandbox')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'chimecall;dial' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Number to call, E.164 (e.g. +12065550123)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Caller id: a number of the account''s inventory, E.164 (default: CHIMECALL_FROM, then chimecall_from in the AWS profile)')
            [CompletionResult]::new('--sma-id', '--sma-id', [CompletionResultType]::ParameterName, 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Entry of ArgumentsMap, given to the handler in NEW_OUTBOUND_CALL (repeatable, at most 20)')
            [CompletionResult]::new('--sip-header', '--sip-header', [CompletionResultType]::ParameterName, 'SIP header for the outbound leg: x-..., User-to-User or Diversion (repeatable, at most 20)')
            [CompletionResult]::new('--say', '--say', [CompletionResultType]::ParameterName, 'The message the call-out handler speaks when the call is answered, plain text of at most 1,000 characters (976 with --ack); a CSV column `say` wins over it (docs/callout.md)')
            [CompletionResult]::new('--say-ssml', '--say-ssml', [CompletionResultType]::ParameterName, 'The message as SSML: one well-formed <speak> document; a CSV column `say_ssml` wins')
            [CompletionResult]::new('--ack', '--ack', [CompletionResultType]::ParameterName, 'The key that acknowledges the message (0-9 or *): a call whose callee presses it is `acknowledged` and its row succeeds; one answered without it is `unacknowledged`')
            [CompletionResult]::new('--guard', '--guard', [CompletionResultType]::ParameterName, 'Calls to one number at most, per window: N/DURATION,... (a call counts in every window it falls in; placed or unknown dials of this journal, any batch), or off (default: CHIMECALL_GUARD, then chimecall_guard in the AWS profile, then 1/1m,3/15m)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After dialing, follow the call until it is answered or has ended (exit 5 if it ends unanswered, 6 at --timeout)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA''s LambdaArn)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Dial every row of this CSV file (- for stdin): columns to, from, id, say, say_ssml, arg.KEY, sip.NAME')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Name the run (the batch --resume, report --batch and hangup --all --batch refer to); default: the file''s absolute path, or a new name for each run from stdin')
            [CompletionResult]::new('--max-active', '--max-active', [CompletionResultType]::ParameterName, 'Calls of the run live at once, at most (0: no cap of chimecall''s own); a row starts when a call ends, as its HANGUP shows')
            [CompletionResult]::new('--attempts', '--attempts', [CompletionResultType]::ParameterName, 'With --wait ended: dial a row up to N times in all, while it ends in a --redial class')
            [CompletionResult]::new('--redial-after', '--redial-after', [CompletionResultType]::ParameterName, 'With --attempts: wait this long before dialing a row again')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'With --wait ended: `first` ends the run when the first row succeeds (the others are hung up and end cancelled), `all` dials every row to its end')
            [CompletionResult]::new('--escalate-after', '--escalate-after', [CompletionResultType]::ParameterName, 'With a `tier` column: start the next tier this long after the last one started, if it is not exhausted by then (default: when it is exhausted)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'With --wait ended: when the last tier is exhausted and the run has not succeeded, start again from the first tier, up to N more times')
            [CompletionResult]::new('--repeat-after', '--repeat-after', [CompletionResultType]::ParameterName, 'With --repeat: the pause before each new round')
            [CompletionResult]::new('--redial', '--redial', [CompletionResultType]::ParameterName, 'The dispositions dialed again (comma-separated: busy, no_answer, rejected, not_placed, unacknowledged, ...; answered never is, unknown only with --retry-unknown); default, with --wait ended: busy,no_answer,not_placed; without, none (--resume --redial not_placed finishes a run whose rows were never placed)')
            [CompletionResult]::new('--success', '--success', [CompletionResultType]::ParameterName, 'With --wait ended: what a row must do to succeed: answered, or digits:REGEX (an answered call whose digits do not all match is unacknowledged)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Calls started per second, fractions allowed; 0 means no limit')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at most')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('--no-request-id', '--no-request-id', [CompletionResultType]::ParameterName, 'Leave out the client request id (ArgumentsMap key chimecall-request-id, the journal''s dial_id) that lets `resolve` find the call in the handler''s logs')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the request that would be sent (with --file: check every row and show what would be dialed), and send nothing')
            [CompletionResult]::new('--allow-repeat', '--allow-repeat', [CompletionResultType]::ParameterName, 'Place the call though the guard would hold it (the number was called too recently); the journal marks it a deliberate repeat')
            [CompletionResult]::new('--again', '--again', [CompletionResultType]::ParameterName, 'Dial every row anew as a new batch, though the journal shows the file was dialed before')
            [CompletionResult]::new('--hangup-on-interrupt', '--hangup-on-interrupt', [CompletionResultType]::ParameterName, 'Ctrl-C hangs up the run''s live calls instead of following them to their end')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Skip every row that already has an outcome in the journal')
            [CompletionResult]::new('--retry-unknown', '--retry-unknown', [CompletionResultType]::ParameterName, 'Dial again the rows whose outcome is unknown (they may ring twice): with --resume, or with --attempts')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Check every row first; dial nothing if any is invalid')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;hangup' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'With --all: only calls placed this recently (10m, 24h) or since this time')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'With --all: only the calls of this bulk run (the batch name `dial --file` printed)')
            [CompletionResult]::new('--sma-id', '--sma-id', [CompletionResultType]::ParameterName, 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Arguments to send instead of {"action":"hangup"} (repeatable, at most 20)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Updates per second when ending many calls (default: a fresh account''s UpdateSipMediaApplicationCall quota, 5; 0 for no limit of our own)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA''s LambdaArn)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'End every call in the journal not known to have ended')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the handler''s logs show the call''s final HANGUP (exit 6 at --timeout)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;update' {
            [CompletionResult]::new('--sma-id', '--sma-id', [CompletionResultType]::ParameterName, 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Entry of Arguments, given to the handler in CALL_UPDATE_REQUESTED (repeatable, at most 20; none sends {})')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;calls' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only dials this recent (10m, 24h) or since this time')
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Handler log group to ask (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each SMA''s /aws/lambda/<function>)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Only calls placed and not known to have ended')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Read the journal alone: do not ask the handler''s logs which calls have ended')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;resolve' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only dials this recent (10m, 24h) or since this time')
            [CompletionResult]::new('--min-age', '--min-age', [CompletionResultType]::ParameterName, 'Leave alone dials younger than this: another chimecall may still be waiting for them')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'How far past a dial the logs must reach (with other calls'' NEW_OUTBOUND_CALL events) before their silence means "not placed"')
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Handler log group to search (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then each dial''s SMA''s /aws/lambda/<function>)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;report' {
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Only this batch: the name `dial --file` printed (by default the file''s path)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only batches dialed this recently (10m, 24h) or since this time')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write a self-contained HTML page (outcomes, a timeline of the calls, rows needing attention) to this file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('--rows', '--rows', [CompletionResultType]::ParameterName, 'Also list each row''s final state')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;journal' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every record of the journal on stdout, one JSON object a line, in the order written')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy a local journal''s records into a team journal; a second copy copies nothing twice')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'chimecall;journal;export' {
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Only the records of this batch (its intents, outcomes, redials and its calls'' states)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records written this recently (10m, 24h) or since this time')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;journal;create' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;journal;copy' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;journal;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every record of the journal on stdout, one JSON object a line, in the order written')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy a local journal''s records into a team journal; a second copy copies nothing twice')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'chimecall;journal;help;export' {
            break
        }
        'chimecall;journal;help;create' {
            break
        }
        'chimecall;journal;help;copy' {
            break
        }
        'chimecall;journal;help;help' {
            break
        }
        'chimecall;tail' {
            [CompletionResult]::new('--sma-id', '--sma-id', [CompletionResultType]::ParameterName, 'SIP media application that handles the call (default: CHIMECALL_SMA_ID, then chimecall_sma_id in the AWS profile)')
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Handler log group to read (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the AWS profile, then /aws/lambda/<function> from the SMA''s LambdaArn)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back to look: a duration (10m, 24h) or a time (2026-11-29T19:00:00Z)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Poll this often, 100ms at least (default: 250 ms after activity, backing off to 1 s; never faster than --logs-rate)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --follow: give up after this long (exit 6)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading until the call''s final HANGUP (exit 0 if it was answered, 5 if not)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading until the call''s final HANGUP (exit 0 if it was answered, 5 if not)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;sandbox' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on; anything but loopback exposes the sandbox to the network')
            [CompletionResult]::new('--sandbox-region', '--sandbox-region', [CompletionResultType]::ParameterName, 'Region the sandbox''s account lives in (requests must be signed for it)')
            [CompletionResult]::new('--sip-media-applications', '--sip-media-applications', [CompletionResultType]::ParameterName, 'How many SIP media applications the account has (the first is CHIMECALL_SMA_ID)')
            [CompletionResult]::new('--answer-after', '--answer-after', [CompletionResultType]::ParameterName, 'How long a callee takes to answer (e.g. 2s, 300ms). Numbers ending in 486 are busy, in 480 never answer, in 487 hang up 1 s after answering')
            [CompletionResult]::new('--ring-timeout', '--ring-timeout', [CompletionResultType]::ParameterName, 'How long a phone rings before the call ends unanswered (HANGUP 480)')
            [CompletionResult]::new('--max-call-duration', '--max-call-duration', [CompletionResultType]::ParameterName, 'The longest a call may last before the service ends it')
            [CompletionResult]::new('--quota', '--quota', [CompletionResultType]::ParameterName, 'Set one of the account''s quotas, as Service Quotas would (repeatable): create-rate, update-rate, filter-log-events-rate (requests per second), active-calls; a whole number or `unlimited`')
            [CompletionResult]::new('--access-log', '--access-log', [CompletionResultType]::ParameterName, 'Append one JSON line per request served to this file (time, operation, status, error, ms, client_request_id, transaction_id)')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'Send invocation events to this Lambda Invoke API endpoint (cargo lambda watch, sam local start-lambda) instead of the built-in handler')
            [CompletionResult]::new('--handler-timeout', '--handler-timeout', [CompletionResultType]::ParameterName, 'How long the SIP media application waits for its handler before retrying')
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'Inject a fault into CreateSipMediaApplicationCall and UpdateSipMediaApplicationCall with probability P (repeatable): error-before=P (500, nothing done), unavailable-before=P (503, nothing done), error-after=P (done, then 500), drop-after=P (done, then the connection is closed unanswered), slow-after=P (done, the answer held 10 minutes)')
            [CompletionResult]::new('--handler-fault', '--handler-fault', [CompletionResultType]::ParameterName, 'Make the handler fail with probability P (repeatable): timeout=P (no answer within --handler-timeout), error=P (a function error)')
            [CompletionResult]::new('--throttle-cps', '--throttle-cps', [CompletionResultType]::ParameterName, 'Shorthand for --quota create-rate=N: 429 ThrottledClientException to creates above N per second (nothing is done)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed the fault dice and the callee mixes, for runs that repeat (--fault-seed is an alias)')
            [CompletionResult]::new('--function-name', '--function-name', [CompletionResultType]::ParameterName, 'The handler''s function name (the SIP media application''s LambdaArn ends with it; its logs go to /aws/lambda/NAME)')
            [CompletionResult]::new('--callees', '--callees', [CompletionResultType]::ParameterName, 'Script the callees: a TOML file of [[callee]] entries (number, answer_after, busy, no_answer, reject, press, hangup_after, weight); numbers it does not match keep the rules by their last digits')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Run simulated time F times faster (ringing, answers, presses, prompts, pauses, digit timeouts, the ring timeout, the maximum call duration); the handler timeout is not scaled')
            [CompletionResult]::new('--hangup-while-ringing', '--hangup-while-ringing', [CompletionResultType]::ParameterName, 'What a Hangup action does to a call that still rings: `ends` it unanswered, or `fails` (ACTION_FAILED InvalidActionParameter, and the phone rings on), as a user reports of AWS')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('--no-quotas', '--no-quotas', [CompletionResultType]::ParameterName, 'Lift every quota not set with --quota (for benchmarks, and tests that measure other things)')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Start in the background and return once it serves: prints the six export lines and a seventh, CHIMECALL_SANDBOX_PID, for `eval "$(chimecall sandbox --detach)"`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;demo' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Number the demo calls (it only rings inside the sandbox)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the script into this directory instead of stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;man' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from, chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then "default")')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The call journal: a file, or dynamodb:TABLE for a team''s journal shared by runners on several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile, then journal.sqlite3 in the XDG state directory)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send requests to this endpoint instead of AWS''s (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text for people and $(...), json (one object per line) for programs')
            [CompletionResult]::new('--logs-rate', '--logs-rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, at most, for following calls (the account''s quota, 10 to 25, is shared with everything else it runs)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting to AWS after this long')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one request''s answer after this long (a dial''s outcome is then unknown)')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'Give up on an operation, all its retries included, after this long')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'chimecall;help' {
            [CompletionResult]::new('dial', 'dial', [CompletionResultType]::ParameterValue, 'Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId')
            [CompletionResult]::new('hangup', 'hangup', [CompletionResultType]::ParameterValue, 'End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Send Arguments to a call''s handler (UpdateSipMediaApplicationCall)')
            [CompletionResult]::new('calls', 'calls', [CompletionResultType]::ParameterValue, 'List the calls in the journal (every dial chimecall made)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Settle the journal''s unknown dial outcomes from the handler''s logs')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Summarise the journal''s bulk runs: how every row ended (--html for a page)')
            [CompletionResult]::new('journal', 'journal', [CompletionResultType]::ParameterValue, 'The call journal itself: `journal export` writes its records as JSON lines')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Show a call''s events (its timeline) from its handler''s logs; --follow until it ends')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Walk through a real dial and hangup against an in-process sandbox')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'chimecall;help;dial' {
            break
        }
        'chimecall;help;hangup' {
            break
        }
        'chimecall;help;update' {
            break
        }
        'chimecall;help;calls' {
            break
        }
        'chimecall;help;resolve' {
            break
        }
        'chimecall;help;report' {
            break
        }
        'chimecall;help;journal' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every record of the journal on stdout, one JSON object a line, in the order written')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk and sk) that runners on several machines share (docs/team-journal.md)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy a local journal''s records into a team journal; a second copy copies nothing twice')
            break
        }
        'chimecall;help;journal;export' {
            break
        }
        'chimecall;help;journal;create' {
            break
        }
        'chimecall;help;journal;copy' {
            break
        }
        'chimecall;help;tail' {
            break
        }
        'chimecall;help;sandbox' {
            break
        }
        'chimecall;help;demo' {
            break
        }
        'chimecall;help;completions' {
            break
        }
        'chimecall;help;man' {
            break
        }
        'chimecall;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
