"""equivalence: a knowledge graph of the labour-competency certifications of the Pacific Alliance."""

__version__ = "0.1.0"
__all__ = ["__version__"]
