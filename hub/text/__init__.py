"""Pure text normalisation that the NLU, the resolver and the answers share.

- `values`: slot text → value ("half" → 50, "二十六度" → 26.0, "warm white" → kelvin).
- `script`: Simplified/Traditional Chinese detection and conversion (OpenCC).

Nothing here knows about the model or the home: both sides of the pipeline import it, so it sits
beside them rather than inside either.
"""
