"""The SafeLives DASH risk identification checklist (2009) as data.

Stored rather than written into templates so a force can move to a later version
or another tool: add a questionnaire, mark it current, and assessments already
made keep pointing at the questions they were answered against. The wording
follows the public checklist, with "the abuser" where the form says
"(name of abuser(s))"; the form's prompts in brackets are the help text.
"""

from django.db import migrations

CODE = "dash"
VERSION = "2009"

QUESTIONS = [
    (
        "Has the current incident resulted in injury?",
        "What, and is this the first injury?",
    ),
    ("Are you very frightened?", ""),
    (
        "What are you afraid of? Is it further injury or violence?",
        "What do you think the abuser might do, and to whom, including the children?",
    ),
    (
        "Do you feel isolated from family or friends? Does the abuser try to stop you from seeing "
        "friends, family, your doctor or others?",
        "",
    ),
    ("Are you feeling depressed or having suicidal thoughts?", ""),
    ("Have you separated or tried to separate from the abuser within the past year?", ""),
    ("Is there conflict over child contact?", ""),
    (
        "Does the abuser constantly text, call, contact, follow, stalk or harass you?",
        "What, and do you believe it is done deliberately to intimidate you? Consider the context and behaviour.",
    ),
    ("Are you pregnant or have you recently had a baby (within the last 18 months)?", ""),
    ("Is the abuse happening more often?", ""),
    ("Is the abuse getting worse?", ""),
    (
        "Does the abuser try to control everything you do and/or are they excessively jealous?",
        "For example who you see, being 'policed' at home, what you wear. Consider 'honour'-based "
        "violence and say what the behaviour is.",
    ),
    ("Has the abuser ever used weapons or objects to hurt you?", ""),
    (
        "Has the abuser ever threatened to kill you or someone else and you believed them?",
        "Who: you, the children, or someone else?",
    ),
    ("Has the abuser ever attempted to strangle, choke, suffocate or drown you?", ""),
    (
        "Does the abuser do or say things of a sexual nature that make you feel bad or that "
        "physically hurt you or someone else?",
        "If someone else, who?",
    ),
    (
        "Is there any other person who has threatened you or who you are afraid of?",
        "Who and why? Consider extended family if 'honour'-based violence.",
    ),
    (
        "Do you know if the abuser has hurt anyone else?",
        "Who: the children, another family member, someone from a previous relationship, or "
        "someone else? Consider 'honour'-based violence.",
    ),
    ("Has the abuser ever mistreated an animal or the family pet?", ""),
    (
        "Are there any financial issues? For example, are you dependent on the abuser for money, "
        "or have they recently lost their job?",
        "",
    ),
    (
        "Has the abuser had problems in the past year with drugs (prescription or other), alcohol "
        "or mental health leading to problems in leading a normal life?",
        "Which: drugs, alcohol or mental health? Give details if known.",
    ),
    ("Has the abuser ever threatened or attempted suicide?", ""),
    (
        "Has the abuser ever broken bail, an injunction and/or a formal agreement for when they "
        "can see you and/or the children?",
        "Bail conditions, a non-molestation or occupation order, child contact arrangements, a "
        "forced marriage protection order, or other.",
    ),
    (
        "Do you know if the abuser has ever been in trouble with the police or has a criminal history?",
        "Domestic abuse, sexual violence, other violence, or other.",
    ),
]


def create_dash(apps, schema_editor):
    Questionnaire = apps.get_model("referrals", "Questionnaire")
    Question = apps.get_model("referrals", "Question")
    questionnaire = Questionnaire.objects.create(
        code=CODE,
        version=VERSION,
        name="SafeLives DASH risk identification checklist",
        medium_threshold=10,
        high_threshold=14,
        is_current=True,
    )
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, number=number, text=text, help_text=help_text)
        for number, (text, help_text) in enumerate(QUESTIONS, start=1)
    )


def delete_dash(apps, schema_editor):
    Questionnaire = apps.get_model("referrals", "Questionnaire")
    # Questions go with it (CASCADE); assessments made with it PROTECT it, as they should.
    Questionnaire.objects.filter(code=CODE, version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(create_dash, delete_dash)]
