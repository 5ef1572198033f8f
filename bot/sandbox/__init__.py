"""A local Slack: a Web API fake that behaves like Slack, plus a browser UI."""
