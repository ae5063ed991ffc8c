from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "sagsbro.meetings"
    verbose_name = "Rehabiliteringsteam"

    def ready(self) -> None:
        from sagsbro.meetings.transitions import register_meeting_transitions
        from sagsbro.meetings.web.team_tab import register_team_tab

        register_meeting_transitions()
        register_team_tab()
