"""Pure Block Kit builders: domain data in, slack_sdk.models blocks out."""
