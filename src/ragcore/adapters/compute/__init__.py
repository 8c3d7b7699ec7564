"""In-process ML compute adapters: Docling parser, LlamaIndex chunker, sentence-transformers embedder.

Importing this package is cheap: docling, llama-index and torch are imported lazily by the adapters.
"""

from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.formats import SUPPORTED_FORMATS
from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.adapters.compute.sentence_embedder import BUNDLED_MODEL_NAME, SentenceTransformerEmbedder

__all__ = [
    "BUNDLED_MODEL_NAME",
    "SUPPORTED_FORMATS",
    "DoclingParser",
    "LlamaIndexChunker",
    "SentenceTransformerEmbedder",
]
