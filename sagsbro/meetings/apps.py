from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "sagsbro.meetings"
    verbose_name = "Rehabiliteringsteam"

    def ready(self) -> None:
        from sagsbro.meetings.transitions import register_meeting_transitions
        from sagsbro.meetings.web.team_tab import register_team_tab
        from sagsbro.meetings.worklist import register_meetings_awaiting

        register_meeting_transitions()
        register_team_tab()
        _register_meeting_date_hook()
        register_meetings_awaiting()
        _register_follow_up_section()
        _register_agreed_follow_ups_section()


def _register_meeting_date_hook() -> None:
    from sagsbro.cases.services.drafting import MEETING_DATE_HOOKS
    from sagsbro.meetings.services.booking import sync_draft_meeting_date

    if sync_draft_meeting_date not in MEETING_DATE_HOOKS:
        MEETING_DATE_HOOKS.append(sync_draft_meeting_date)


def _register_follow_up_section() -> None:
    # The caseworker's "Skal genforelægges" (procedure 002) on the worklist page.
    from sagsbro.core.worklist import register_worklist_section
    from sagsbro.meetings.web.followup import worklist_section

    register_worklist_section(worklist_section)


def _register_agreed_follow_ups_section() -> None:
    # Each owner's open follow-ups agreed at a meeting (O-55) on the worklist page.
    from sagsbro.core.worklist import register_worklist_section
    from sagsbro.meetings.web.agreed_follow_ups import worklist_section

    register_worklist_section(worklist_section)
