"""The post-call survey a forward runs for the caller once the employee has hung up.

The forward bridges with `hangup_after_bridge=false`, so the caller's channel goes on to its
RESULT hunt (`originate_disposition=SUCCESS`, or `cc_cause=answered` after a queue) and on to the
`<node>_SURVEY` extension built here. Each question is one
`play_and_get_digits 1 1 <tries> <timeout ms> # <prompt> <tone> centralka_survey_q<n> ^[<keys>]$`
(mod_dptools.c, switch_play_and_get_digits in switch_ivr_play_say.c): a key outside the regex
clears the variable and tries again after the tone; after the last try the variable stays unset
and the next question plays. Every answer is a channel variable as soon as it is given, so a
caller who hangs up mid-survey leaves the answers already given in the leg's
CHANNEL_HANGUP_COMPLETE (and its CDR), where the listener reads them (pbx.surveys).
"""
from __future__ import annotations

from pbx.dialplan.ir import Action

SURVEY, ANSWER = "centralka_survey", "centralka_survey_q"
INVALID_TONE = "tone_stream://%(200,100,480,620)"
BEEP = "tone_stream://%(500,0,1000)"
# record <path> <time limit s> <silence threshold> <silence hits s>: a silent caller ends the comment.
SILENCE_THRESHOLD, SILENCE_SECONDS = 200, 3
COMMENT_FILE = "survey_"  # the comment's file name starts so (pbx.recordings tells its kind by it)


def key_class(keys: str) -> str:
    """`^[12345]$`: the keys are digits only (schemas.survey), so nothing needs escaping."""
    return f"^[{''.join(sorted(set(keys)))}]$"


def survey_actions(survey, low) -> list[Action]:
    """The caller's survey after the call: the questions, the optional comment, thanks, hang up."""
    actions = [Action("set", f"{SURVEY}={survey.id}"), Action("set", "centralka_path=${centralka_path}:survey")]
    timeout_ms = int(survey.timeout_seconds) * 1000
    for number, question in enumerate(survey.questions, start=1):
        actions.append(Action("play_and_get_digits", " ".join((
            "1 1", str(int(question.repeat)), str(timeout_ms), "#", low.prompt(question.prompt_id), INVALID_TONE,
            f"{ANSWER}{number}", key_class(question.keys)))))
    if survey.comment_prompt_id is not None:
        path = f"${{recordings_dir}}/{low.snap.tenant_id}/{COMMENT_FILE}${{uuid}}.wav"
        actions += [Action("playback", low.prompt(survey.comment_prompt_id)), Action("playback", BEEP),
                    Action("record", f"{path} {int(survey.comment_seconds)} {SILENCE_THRESHOLD} {SILENCE_SECONDS}")]
    if survey.thanks_prompt_id is not None:
        actions.append(Action("playback", low.prompt(survey.thanks_prompt_id)))
    return actions + [Action("hangup", "NORMAL_CLEARING")]
