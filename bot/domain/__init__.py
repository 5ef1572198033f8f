"""Pure domain logic over the database; never imports Slack."""
