"""The HTTP API: pydantic schemas, dependencies, error handling and the routers."""
