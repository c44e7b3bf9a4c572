"""Risk assessment, the support-service directory, referrals and how services are told."""

from referrals.models.directory import ServiceKind, SupportService
from referrals.models.notification import Delivery, DeliveryChannel, DeliveryStatus
from referrals.models.referral import (
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralMessage,
    ReferralStatus,
)
from referrals.models.risk import Question, Questionnaire, RiskAssessment, RiskLevel

__all__ = [
    "Delivery",
    "DeliveryChannel",
    "DeliveryStatus",
    "Question",
    "Questionnaire",
    "Referral",
    "ReferralEvent",
    "ReferralEventKind",
    "ReferralMessage",
    "ReferralStatus",
    "RiskAssessment",
    "RiskLevel",
    "ServiceKind",
    "SupportService",
]
