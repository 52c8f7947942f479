"""chimecall's call-out handler: a SIP media application's Lambda function (Python 3.12+, standard
library only) that speaks the message a dial carries and listens for the acknowledgement key.

The flow, event by event, is in docs/aws.md. chimecall puts the message and the key in the
call's ArgumentsMap (chimecall-say, chimecall-say-type, chimecall-ack); they reach this function
in NEW_OUTBOUND_CALL only, so it keeps them in TransactionAttributes for the later events.
Every event is logged as one `Request: {json}` line, which chimecall tail reads.

The hangup convention's update ({"action": "hangup"}) is answered with a Hangup and remembered
in TransactionAttributes (chimecall-cancelled): at AWS a Hangup may not end a call that still
rings, and a callee who answers a cancelled call hears that it was already acknowledged.

deploy/template.yaml carries this file inline (Code.ZipFile); `python3 deploy/sync_template.py`
copies it there, and a test fails when the two differ.
"""

import json

SAY = "chimecall-say"
SAY_TYPE = "chimecall-say-type"
ACK = "chimecall-ack"
CANCELLED = "chimecall-cancelled"
KEYS = "0123456789*#"
VOICE = {"LanguageCode": "en-US", "VoiceId": "Joanna", "Engine": "neural"}
CONFIRMATION = "Acknowledged. Thank you."
NO_ACKNOWLEDGEMENT = "No acknowledgement received. Goodbye."
ALREADY_ACKNOWLEDGED = "This alert was already acknowledged. Goodbye."


def handler(event, context=None):
    print("Request:", json.dumps(event))
    answer = respond(event)
    print("Response:", json.dumps(answer))
    return answer


def respond(event):
    kind = event.get("InvocationEventType")
    details = event.get("CallDetails") or {}
    data = event.get("ActionData") or {}
    if kind == "NEW_OUTBOUND_CALL":
        arguments = (data.get("Parameters") or {}).get("Arguments") or {}
        if SAY not in arguments:
            return answer([])
        kept = {key: arguments[key] for key in (SAY, SAY_TYPE, ACK) if key in arguments}
        return answer([], kept)
    attributes = details.get("TransactionAttributes") or {}
    if kind == "CALL_UPDATE_REQUESTED":
        arguments = (data.get("Parameters") or {}).get("Arguments") or {}
        if arguments.get("action") == "hangup":
            return answer([hangup()], cancelled(attributes))
        return answer([])
    if kind == "ACTION_FAILED" and data.get("Type") == "Hangup":
        # The call still rings (a Hangup of a ringing call may fail): another Hangup would fail
        # the same way. Say again that the call is cancelled, in an action answer.
        return answer([], cancelled(attributes))
    leg_a = leg_a_call_id(details)
    if kind == "CALL_ANSWERED" and attributes.get(CANCELLED) == "true":
        return answer([speak(leg_a, ALREADY_ACKNOWLEDGED, "text"), hangup()])
    key = attributes.get(ACK)
    if kind == "CALL_ANSWERED" and SAY in attributes:
        text_type = "ssml" if attributes.get(SAY_TYPE) == "ssml" else "text"
        message = attributes[SAY]
        if isinstance(key, str) and len(key) == 1 and key in KEYS:
            return answer([prompt(leg_a, message, text_type, key)])
        return answer([speak(leg_a, message, text_type), hangup()])
    if kind == "ACTION_SUCCESSFUL":
        if is_prompt(data) and key and data.get("ReceivedDigits") == key:
            return answer([speak(leg_a, CONFIRMATION, "text"), hangup()])
        return answer([])
    if kind == "ACTION_FAILED":
        error = data.get("ErrorType") or event.get("ErrorType")
        if is_prompt(data) and error == "InvalidDigitsReceived":
            return answer([speak(leg_a, NO_ACKNOWLEDGEMENT, "text"), hangup()])
        return answer([hangup()])
    return answer([])


def answer(actions, attributes=None):
    response = {"SchemaVersion": "1.0", "Actions": actions}
    if attributes is not None:
        response["TransactionAttributes"] = attributes
    return response


def cancelled(attributes):
    """Every attribute the event carries, with the cancel recorded: a map returned replaces the
    stored one, so nothing the event carried may be left out."""
    kept = dict(attributes) if isinstance(attributes, dict) else {}
    kept[CANCELLED] = "true"
    return kept


def leg_a_call_id(details):
    participants = details.get("Participants") or []
    for participant in participants:
        if str(participant.get("ParticipantTag", "")).upper() == "LEG-A":
            return participant.get("CallId")
    return participants[0].get("CallId") if participants else None


def is_prompt(data):
    return data.get("Type") == "SpeakAndGetDigits"


def speak(call_id, text, text_type):
    parameters = {"CallId": call_id, "Text": text, "TextType": text_type}
    parameters.update(VOICE)
    return {"Type": "Speak", "Parameters": parameters}


def prompt(call_id, message, text_type, key):
    sentence = f" Press {key} to acknowledge."
    closing = message.rfind("</speak>") if text_type == "ssml" else -1
    if closing >= 0:
        text = message[:closing] + sentence + message[closing:]
    else:
        text = message + sentence
    speech = {"Text": text, "TextType": text_type}
    speech.update(VOICE)
    # The failure prompt's voice defaults to the prompt's.
    failure = {"Text": f"That was not {key}. Press {key} to acknowledge.", "TextType": "text"}
    return {
        "Type": "SpeakAndGetDigits",
        "Parameters": {
            "CallId": call_id,
            "SpeechParameters": speech,
            "FailureSpeechParameters": failure,
            "InputDigitsRegex": "^" + ("\\" + key if key == "*" else key) + "$",
            "MinNumberOfDigits": 1,
            "MaxNumberOfDigits": 1,
            "Repeat": 3,
            "RepeatDurationInMilliseconds": 10000,
            "InBetweenDigitsDurationInMilliseconds": 3000,
        },
    }


def hangup():
    return {"Type": "Hangup", "Parameters": {"SipResponseCode": "0", "ParticipantTag": "LEG-A"}}
