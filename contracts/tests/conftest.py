pytest_plugins = ["contracts.plugin"]
