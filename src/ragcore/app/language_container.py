"""Language-model part of the composition root (``app/container.py`` includes it): ``settings.llm``.

``llm=openai``: any OpenAI-compatible server; ``none``: answers are 503 ``llm_unavailable`` and
metadata extraction is the compute side's keyword extractor alone.
"""

from dependency_injector import containers, providers

from ragcore.adapters.llm.metadata import LlmMetadataExtractor
from ragcore.adapters.llm.openai_compatible import OpenAICompatibleLanguageModel
from ragcore.adapters.llm.unconfigured import UnconfiguredLanguageModel
from ragcore.app.settings import Settings
from ragcore.domain.answers.prompt import AnswerPrompts
from ragcore.prompts import load


class Language(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    llm_settings = settings.provided.llm
    compute = providers.DependenciesContainer()
    model = providers.Selector(
        llm_settings.llm,
        openai=providers.Singleton(
            OpenAICompatibleLanguageModel, base_url=llm_settings.llm_base_url, model=llm_settings.llm_model,
            api_key=llm_settings.llm_api_key, timeout_seconds=llm_settings.llm_timeout_seconds,
            max_retries=llm_settings.llm_max_retries, context_tokens=llm_settings.llm_context_tokens,
            chars_per_token=llm_settings.llm_chars_per_token, temperature=llm_settings.llm_temperature,
        ),
        none=providers.Singleton(
            UnconfiguredLanguageModel, context_tokens=llm_settings.llm_context_tokens,
            chars_per_token=llm_settings.llm_chars_per_token,
        ),
    )
    answer_prompts = providers.Singleton(
        AnswerPrompts, system=providers.Callable(load, "answer_system.md"),
        user=providers.Callable(load, "answer_user.md"),
    )
    # Metadata extraction: the model when one is configured, the compute side's extractor as its fallback.
    metadata = providers.Selector(
        llm_settings.llm,
        openai=providers.Singleton(LlmMetadataExtractor, model, fallback=compute.metadata),
        none=compute.metadata,
    )
