"""Redis adapters: document registry and job queue (production setup), selected by settings."""

from ragcore.adapters.redis.client import delete_prefix, make_redis, unavailable_on_redis_errors
from ragcore.adapters.redis.jobs import RedisJobQueue
from ragcore.adapters.redis.registry import RedisDocumentRepository

__all__ = ["RedisDocumentRepository", "RedisJobQueue", "delete_prefix", "make_redis", "unavailable_on_redis_errors"]
