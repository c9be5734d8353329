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
    """`^[12345]$`. The survey's keys are checked as digits when saved (schemas.survey); anything else a stored
    survey might hold is dropped here rather than reach the switch's regex or its expansion."""
    return f"^[{''.join(sorted(set(keys) & set('0123456789')))}]$"


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


def answers_heard(events) -> list[dict]:
    """A test call's survey: per question asked, its number, the keys tried and the answer kept (or None)."""
    asked = []
    for step in events:
        if step.kind == "execute" and step.details["application"] == "play_and_get_digits":
            variable = step.details["data"].split()[7]
            if variable.startswith(ANSWER):
                asked.append({"question": int(variable[len(ANSWER):]), "at": step.at, "tries": [], "answer": None})
        elif step.kind == "digits" and asked and "attempt" in step.details:
            asked[-1]["tries"].append(step.details["digits"])
            if step.details["accepted"]:
                asked[-1]["answer"] = step.details["digits"]
    return asked


def survey_story(events, language: str) -> list[tuple[float, str]]:
    """The survey's lines of a test call's story: each question's answer, the comment recorded."""
    words = STORY.get(language, STORY["en"])
    start = next((s.at for s in events if s.kind == "execute" and s.details["data"].startswith(f"{SURVEY}=")), None)
    lines = [(start, words["start"])] if start is not None else []
    lines += [(a["at"], words["answer" if a["answer"] else "none"].format(n=a["question"], key=a["answer"]))
              for a in answers_heard(events)]
    comment = next((s for s in events if s.kind == "recorded" and COMMENT_FILE in s.details["path"]), None)
    if comment is not None:
        lines.append((comment.at, words["comment"].format(seconds=round(comment.details["seconds"]))))
    return lines


STORY = {"pl": {"start": "Rozmówca kończy rozmowę, dzwoniący odpowiada na ankietę",
                "answer": "Ankieta, pytanie {n}: klawisz {key}", "none": "Ankieta, pytanie {n}: brak odpowiedzi",
                "comment": "Ankieta: nagrano komentarz ({seconds} s)"},
         "en": {"start": "The person called hangs up; the caller answers the survey",
                "answer": "Survey, question {n}: key {key}", "none": "Survey, question {n}: no answer",
                "comment": "Survey: comment recorded ({seconds} s)"}}
