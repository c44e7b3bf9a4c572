"""The classes of personal data, how long each is kept, and how every field is protected at rest.

Each force sets one period per class (`Force.retain_*_days`, in the Django admin). The nightly
task (`retention.apply`) erases what is past its period unless the case is on legal hold, and
writes one erasure entry per object to the audit trail, naming the class and period but never
the value erased.

| class     | period (Force field, default) | counted from              | at the end of the period                    |
|-----------|-------------------------------|---------------------------|---------------------------------------------|
| chat      | `retain_chat_days`, 90        | each message's `sent_at`  | chat messages deleted                       |
| locations | `retain_chat_days`, 90        | each row's `created_at`   | shared locations, evidence snapshots and    |
| and       |                               |                           | photos deleted (image and hash with them)   |
| snapshots |                               |                           |                                             |
| contact   | `retain_contact_days`, 365    | the case's last activity¹ | number pseudonymised², contact times, safe  |
|           |                               |                           | notes blanked; texts' number and body and   |
|           |                               |                           | replies' number and words erased; referrals'|
|           |                               |                           | shared data cut to non-personal fields;     |
|           |                               |                           | scheduled follow-ups cancelled              |
| case      | `retain_case_days`, 2190 (6y) | the case's last activity¹ | the case and everything hanging off it      |
|           |                               |                           | deleted; a `CaseStatistic` row is kept      |
| incident  | `retain_case_days`, 2190 (6y) | the incident's            | a call handler's incident log and its       |
| reviews   |                               | `handled_at`              | review deleted (reviews/retention.py),      |
|           |                               |                           | unless its linked case is on legal hold     |
| unmatched | setting                       | `received_at`             | texts from numbers with no case deleted     |
| replies   | `RETENTION_UNMATCHED_SMS_DAYS`|                           | (no force owns them)                        |
|           | 30                            |                           |                                             |

¹ The latest of: the case opened, a video session started or ended, a follow-up due, a
  booked call's start, a reply received, a risk assessment saved, a referral changed. Work
  still going on (a follow-up next month, a service acting on a referral) keeps the case.
² The encrypted number is replaced by the marker `ERASED`, and its blind index by a random
  value, so look-ups by number (replies, opt-outs, repeat contacts) stop finding the case.

Every field that holds personal data, and the decision for each (`enc`: an
`EncryptedTextField`/`EncryptedJSONField`, Fernet ciphertext under FIELD_ENCRYPTION_KEYS;
re-encrypted by `manage.py rotate_keys`):

| field                                        | holds                                    | at rest   | class   |
|----------------------------------------------|------------------------------------------|-----------|---------|
| cases.Case.victim_phone                      | the caller's mobile                      | enc       | contact |
| cases.Case.victim_phone_index                | keyed HMAC of the mobile (look-ups)      | keyed hash| contact |
| cases.Case.safe_contact_notes                | when/how it is safe to contact them      | enc       | contact |
| cases.Case.contact_windows                   | safe times to text or call               | enc       | contact |
| cases.Case.legal_hold_reason                 | why the case is held (may name a court)  | enc       | case    |
| cases.Case.incident_reference                | the police system's reference: a pointer,| plain³    | case    |
|                                              | no content; staff search and read it     |           |         |
| cases.Case.preferred_language                | a language code (chooses page wording)   | plain³    | case    |
| sms.SmsMessage.to                            | the number texted                        | enc       | contact |
| sms.SmsMessage.body                          | the text as sent (blanked once sent)     | enc       | contact |
| sms.SmsMessage.record_body                   | the force's wording with "[link]": none  | plain     | contact |
| sms.SmsMessage.error_message                 | our own words for the provider's code;   | plain     | —       |
|                                              | the provider's text (which quotes the    |           |         |
|                                              | number) is never stored                  |           |         |
| sms.InboundSms.from_number, .body            | a reply's number and words               | enc       | contact |
| sms.InboundSms.from_index                    | keyed HMAC of the number                 | keyed hash| contact |
| sms.OptOut.phone_index                       | keyed HMAC of a number that said STOP    | keyed hash| kept⁴   |
| sms.OutboxMessage.to, .body                  | the dev backend's stand-in for the       | plain⁵    | —       |
|                                              | caller's phone (DEBUG only, never in     |           |         |
|                                              | production)                              |           |         |
| video.ChatMessage.text                       | chat with the caller                     | enc       | chat    |
| evidence.LocationShare.position              | the caller's latitude, longitude and     | enc       | evidence|
|                                              | accuracy                                 |           |         |
| evidence.LocationShare.captured_at           | when the phone took the fix: none alone  | plain³    | evidence|
| evidence.Snapshot.image                      | a still of the caller's video or a photo | enc⁶      | evidence|
|                                              | they sent                                |           |         |
| evidence.Snapshot.sha256, .size, .kind       | proof the picture is unaltered: none     | plain     | evidence|
| video.SessionEvent.detail                    | labels and codes only                    | plain     | case    |
| video.ConsentRecord (all fields)             | decisions, notice hashes: no content     | plain     | case    |
| video.JoinLink.token_hash, .device_hash      | SHA-256 of secrets, never the secrets    | hash      | case    |
| video.CallInvitation (all fields)            | who was invited (a kind, an officer),    | plain/hash| case    |
|                                              | hashes of the guest link and device; no  |           |         |
|                                              | contact: a guest's number is on its      |           |         |
|                                              | sms.SmsMessage.to, an email address is   |           |         |
|                                              | never stored                             |           |         |
| referrals.RiskAssessment.answers, .notes,    | DASH answers and the specialist's notes  | enc       | case    |
|   .professional_judgement_reason             |                                          |           |         |
| referrals.RiskAssessment.level, .yes_count,  | the score and criteria (statistics keep  | plain³    | case    |
|   booleans, .police_callouts_12_months       | the level)                               |           |         |
| referrals.Referral.shared_data               | what the service was given (may hold the | enc       | contact |
|                                              | number, contact times, DASH answers)     |           | + case  |
| referrals.Referral.without_consent_reason,   | reasons in the specialist's/service's    | enc       | case    |
|   .decline_reason                            | words                                    |           |         |
| referrals.ReferralEvent.note                 | contact-attempt outcomes, reasons        | enc       | case    |
| referrals.ReferralMessage.body               | the worker–specialist thread             | enc       | case    |
| referrals.Delivery.recipient, .last_error    | the service's address; "HTTP 500": none  | plain     | case    |
| referrals.SupportService.webhook_secret      | a service's secret (not personal data)   | enc       | —       |
| followups.FollowUp.outcome                   | fixed wording and staff names: none      | plain     | case    |
| followups.Appointment (all fields)           | times and states: no content             | plain     | case    |
| reviews.IncidentLog.risk_answers, .notes     | what the caller said to the key risk     | enc       | incident|
|                                              | questions; the call handler's notes      |           | reviews |
| reviews.IncidentLog.incident_reference,      | a pointer and fixed choices: no content  | plain³    | incident|
|   .decision, .handled_at                     |                                          |           | reviews |
| reviews.Review.feedback                      | the reviewer's words about the handler's | enc       | incident|
|                                              | work (staff personal data)               |           | reviews |
| reviews.Review outcome, missed opportunities | fixed choices from a list: no content    | plain     | incident|
|                                              |                                          |           | reviews |
| accounts.User names, email                   | staff, not the people the cases are about| plain     | —       |

³ Personal data only by being attached to the case; no content a reader could use to find
  or identify the person, so kept readable for search and display; erased with the case.
⁴ An opt-out outlives the case: texting a number that said STOP would break the person's
  wish and PECR. Only the keyed hash is kept, never the number.
⁵ Exists only with the dev SMS backend; it plays the part of the caller's phone, which is
  not ours to erase.
⁶ `EncryptedBinaryField`: the image bytes as a Fernet token in a text column, rotated with the rest.
"""

from dataclasses import dataclass

# What an erased encrypted value becomes. Encrypted like any value, so the column still
# holds valid ciphertext and every page that shows it shows this instead.
ERASED = "erased"

# Referral.shared_data keeps only these once the contact period is over (see referrals/minimise.py):
# who referred and from where, and the risk level the service was told, for its own records.
NON_PERSONAL_SHARED_FIELDS = ("force", "referred_by", "risk_level")


@dataclass(frozen=True)
class DataClass:
    name: str
    # The Force field holding the period in days.
    period_field: str
    fields: tuple[str, ...]


CHAT = DataClass(
    name="chat",
    period_field="retain_chat_days",
    fields=("video.ChatMessage.text",),
)
CONTACT = DataClass(
    name="contact details",
    period_field="retain_contact_days",
    fields=(
        "cases.Case.victim_phone",
        "cases.Case.victim_phone_index",
        "cases.Case.safe_contact_notes",
        "cases.Case.contact_windows",
        "sms.SmsMessage.to",
        "sms.SmsMessage.body",
        "sms.InboundSms.from_number",
        "sms.InboundSms.from_index",
        "sms.InboundSms.body",
        "referrals.Referral.shared_data",
    ),
)
# Where the caller was and pictures of them: kept no longer than the chat of the same call.
# A case that needs them longer as evidence goes on legal hold.
EVIDENCE = DataClass(
    name="locations and snapshots",
    period_field="retain_chat_days",
    fields=("evidence.LocationShare.position", "evidence.Snapshot.image", "evidence.Snapshot.sha256"),
)
CASE = DataClass(
    name="case record",
    period_field="retain_case_days",
    fields=("cases.Case", "everything deleted with it"),
)
INCIDENT_REVIEWS = DataClass(
    name="incident reviews",
    period_field="retain_case_days",
    fields=("reviews.IncidentLog", "reviews.Review"),
)
CLASSES = (CHAT, EVIDENCE, CONTACT, CASE, INCIDENT_REVIEWS)


def period_days(force, data_class: DataClass) -> int:
    return int(getattr(force, data_class.period_field))
