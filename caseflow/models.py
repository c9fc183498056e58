"""Import every model so that the metadata is complete (Alembic and tests use this)."""

from caseflow.accounts.models import (  # noqa: F401
    AccountEvent,
    ApiToken,
    LoginAttempt,
    RegistrationAttempt,
    SignInSession,
    Unit,
    User,
)
from caseflow.approvals.models import ApprovalRequest  # noqa: F401
from caseflow.cases.models import AccessLog, Case, CaseEvent, NumberSequence, Party  # noqa: F401
from caseflow.core.db import Base
from caseflow.deadlines.models import CalendarDay, CalendarYear, Deadline, DeadlineReminder  # noqa: F401
from caseflow.evidence.models import Evidence  # noqa: F401
from caseflow.hearings.models import Hearing, HearingRoom, RespondentAccess  # noqa: F401
from caseflow.notices.models import Notice, NoticeDelivery, ServiceConsent  # noqa: F401
from caseflow.portal.models import FilingDraft  # noqa: F401
from caseflow.stats.models import CaseFact, DirtyCase, Duration, OpenState, Rating, Rollup  # noqa: F401

metadata = Base.metadata
