#!/usr/bin/env python3
"""A reader for the TFLite flatbuffer format, written on the Python 3 standard library only.

It reads the subset of the TFLite schema (tensorflow/lite/schema/schema.fbs) that TryOn's converter needs: Model,
SubGraph, Tensor, Buffer, Operator, OperatorCode, SparsityParameters/DimensionMetadata, and the builtin options
tables of the operators the converter supports. Field numbers and defaults follow that schema; a table field is
found through the table's vtable, where field k sits at vtable offset 4 + 2k (a union takes two fields: its type,
then its value).

Flatbuffer layout in brief (little-endian throughout):
  - the file starts with a uoffset (uint32) to the root table, then the 4-byte file identifier "TFL3";
  - a table starts with a soffset (int32): vtable position = table position - soffset;
  - a vtable is uint16 vtable size, uint16 table size, then one uint16 offset per field (0: absent, use default);
  - references to tables, vectors and strings are uoffsets relative to where the offset itself is stored;
  - a vector is a uint32 element count followed by the elements; a string is a vector of bytes (plus a NUL).

Run as a script to print a summary of a model:  python3 models/tflite_reader.py MODEL.tflite
"""
import struct
import sys
from collections import Counter

# TensorType (schema.fbs): the element types the converter meets, with their struct codes and sizes.
TENSOR_TYPES = {
    0: ("FLOAT32", "f", 4),
    1: ("FLOAT16", "e", 2),
    2: ("INT32", "i", 4),
    3: ("UINT8", "B", 1),
    4: ("INT64", "q", 8),
    6: ("BOOL", "?", 1),
    7: ("INT16", "h", 2),
    9: ("INT8", "b", 1),
}

# BuiltinOperator values (schema.fbs) of the operators TryOn's converter knows; others are shown by number.
BUILTIN_NAMES = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
    5: "DEPTH_TO_SPACE", 6: "DEQUANTIZE", 9: "FULLY_CONNECTED", 14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL",
    19: "RELU", 21: "RELU6", 22: "RESHAPE", 23: "RESIZE_BILINEAR", 32: "CUSTOM", 34: "PAD", 117: "HARD_SWISH",
    124: "DENSIFY",
}

# BuiltinOptions union: the member index of each options table the converter reads (1-based; 0 is NONE).
OPTIONS_CONV2D = 1
OPTIONS_DEPTHWISE_CONV2D = 2
OPTIONS_POOL2D = 5
OPTIONS_CONCATENATION = 10
OPTIONS_ADD = 11
OPTIONS_RESIZE_BILINEAR = 15
OPTIONS_RESHAPE = 17
OPTIONS_PAD = 22
OPTIONS_DEQUANTIZE = 38
OPTIONS_DEPTH_TO_SPACE = 94
OPTIONS_DENSIFY = 99

# Padding and ActivationFunctionType enums (schema.fbs).
PADDING_NAMES = {0: "SAME", 1: "VALID"}
ACTIVATION_NAMES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}

# DimensionType of DimensionMetadata, and the SparseIndexVector union members.
DIM_DENSE = 0
DIM_SPARSE_CSR = 1
SPARSE_INDEX_VECTOR_CODES = {1: "i", 2: "H", 3: "B"}   # Int32Vector, Uint16Vector, Uint8Vector


class TFLiteFormatError(ValueError):
    """The file is not a TFLite flatbuffer this reader understands."""


class Table:
    """One flatbuffer table: reads its fields by number through the vtable."""

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vtable = vtable
        self.vtable_size = struct.unpack_from("<H", buf, vtable)[0]

    def _field_pos(self, field):
        """Absolute position of a field's data, or None when the field is absent (its default applies)."""
        slot = 4 + 2 * field
        if slot + 2 > self.vtable_size:
            return None      # the writer's schema is older than this field
        rel = struct.unpack_from("<H", self.buf, self.vtable + slot)[0]
        return None if rel == 0 else self.pos + rel

    def scalar(self, field, code, default=0):
        """A scalar field (struct code such as 'i', 'b', 'B', 'I', 'f', '?'), or its schema default."""
        p = self._field_pos(field)
        return default if p is None else struct.unpack_from("<" + code, self.buf, p)[0]

    def _deref(self, field):
        """Follow a uoffset field to the position it points at, or None when absent."""
        p = self._field_pos(field)
        return None if p is None else p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, field):
        """A sub-table field, or None."""
        p = self._deref(field)
        return None if p is None else Table(self.buf, p)

    def string(self, field, default=""):
        """A string field decoded as UTF-8."""
        p = self._deref(field)
        if p is None:
            return default
        n = struct.unpack_from("<I", self.buf, p)[0]
        return bytes(self.buf[p + 4:p + 4 + n]).decode("utf-8")

    def vector_span(self, field):
        """(position of the first element, element count) of a vector field, or (None, 0) when absent."""
        p = self._deref(field)
        if p is None:
            return None, 0
        return p + 4, struct.unpack_from("<I", self.buf, p)[0]

    def scalars(self, field, code):
        """A vector of scalars as a list (empty when absent)."""
        start, n = self.vector_span(field)
        if start is None:
            return []
        return list(struct.unpack_from("<%d%s" % (n, code), self.buf, start))

    def bytes_vector(self, field):
        """A [ubyte] vector as a memoryview into the file (no copy)."""
        start, n = self.vector_span(field)
        if start is None:
            return memoryview(b"")
        return memoryview(self.buf)[start:start + n]

    def tables(self, field):
        """A vector of tables as a list of Table."""
        start, n = self.vector_span(field)
        if start is None:
            return []
        out = []
        for i in range(n):
            q = start + 4 * i
            out.append(Table(self.buf, q + struct.unpack_from("<I", self.buf, q)[0]))
        return out


class Tensor:
    """A TFLite tensor: shape, element type, buffer index, name and optional sparsity."""

    def __init__(self, index, table):
        self.index = index
        self.shape = table.scalars(0, "i")                 # Tensor.shape:[int]
        self.type = table.scalar(1, "b", 0)                # Tensor.type:TensorType = FLOAT32
        self.buffer = table.scalar(2, "I", 0)              # Tensor.buffer:uint (0: no data)
        self.name = table.string(3)                        # Tensor.name:string
        quant = table.table(4)                             # Tensor.quantization
        self.quant_scale = quant.scalars(2, "f") if quant else []
        self.quant_zero_point = quant.scalars(3, "q") if quant else []
        self.is_variable = bool(table.scalar(5, "?", False))
        sparsity = table.table(6)                          # Tensor.sparsity:SparsityParameters
        self.sparsity = Sparsity(sparsity) if sparsity else None

    @property
    def type_name(self):
        """The TensorType's name, e.g. 'FLOAT16'."""
        return TENSOR_TYPES.get(self.type, ("TYPE_%d" % self.type,))[0]

    def __repr__(self):
        return "Tensor(%d %r %s %s)" % (self.index, self.name, self.type_name, self.shape)


class DimensionMetadata:
    """One dimension of a sparse tensor's storage: DENSE with its size, or SPARSE_CSR with segments and indices."""

    def __init__(self, table):
        self.format = table.scalar(0, "b", DIM_DENSE)      # format:DimensionType
        self.dense_size = table.scalar(1, "i", 0)          # dense_size:int
        self.array_segments = _sparse_index_vector(table, 2)   # union: type field 2, value field 3
        self.array_indices = _sparse_index_vector(table, 4)    # union: type field 4, value field 5


def _sparse_index_vector(table, type_field):
    """Reads a SparseIndexVector union (its type at type_field, its table at type_field + 1) as a list of ints."""
    kind = table.scalar(type_field, "B", 0)
    if kind == 0:
        return None
    if kind not in SPARSE_INDEX_VECTOR_CODES:
        raise TFLiteFormatError("unknown SparseIndexVector type %d" % kind)
    values_table = table.table(type_field + 1)
    return values_table.scalars(0, SPARSE_INDEX_VECTOR_CODES[kind]) if values_table else []


class Sparsity:
    """SparsityParameters: traversal order, block map and per-dimension metadata."""

    def __init__(self, table):
        self.traversal_order = table.scalars(0, "i")
        self.block_map = table.scalars(1, "i")
        self.dim_metadata = [DimensionMetadata(t) for t in table.tables(2)]


class Operator:
    """A TFLite operator: its builtin code, input and output tensor indices, and its options table."""

    def __init__(self, table, opcodes):
        self.opcode_index = table.scalar(0, "I", 0)
        self.builtin_code, self.custom_code = opcodes[self.opcode_index]
        self.inputs = table.scalars(1, "i")                # -1 marks an omitted optional input
        self.outputs = table.scalars(2, "i")
        self.options_type = table.scalar(3, "B", 0)        # builtin_options union type
        self.options = table.table(4)                      # builtin_options union value

    @property
    def name(self):
        """The operator's name, e.g. 'CONV_2D'."""
        return BUILTIN_NAMES.get(self.builtin_code, "BUILTIN_%d" % self.builtin_code)

    def option(self, expected_type, field, code, default=0):
        """A scalar field of the options table; checks that the union holds the expected options table."""
        if self.options is None:
            return default
        if self.options_type != expected_type:
            raise TFLiteFormatError("%s carries options of union type %d, expected %d"
                                    % (self.name, self.options_type, expected_type))
        return self.options.scalar(field, code, default)

    def option_vector(self, expected_type, field, code):
        """A vector field of the options table (empty when absent)."""
        if self.options is None:
            return []
        if self.options_type != expected_type:
            raise TFLiteFormatError("%s carries options of union type %d, expected %d"
                                    % (self.name, self.options_type, expected_type))
        return self.options.scalars(field, code)


class Model:
    """A parsed TFLite model: its first subgraph's tensors, inputs, outputs and operators, and the buffers."""

    def __init__(self, data):
        buf = bytes(data)
        if len(buf) < 8 or buf[4:8] != b"TFL3":
            raise TFLiteFormatError("not a TFLite flatbuffer (no 'TFL3' identifier)")
        self.buf = buf
        root = Table(buf, struct.unpack_from("<I", buf, 0)[0])
        self.version = root.scalar(0, "I", 0)              # Model.version
        opcodes = []
        for oc in root.tables(1):                          # Model.operator_codes
            deprecated = oc.scalar(0, "b", 0)              # deprecated_builtin_code:byte
            extended = oc.scalar(3, "i", 0)                # builtin_code:BuiltinOperator (int32)
            # Writers fill one or both; the real code is the larger (the byte saturates at 127).
            opcodes.append((max(deprecated, extended), oc.string(1)))
        subgraphs = root.tables(2)                         # Model.subgraphs
        if not subgraphs:
            raise TFLiteFormatError("the model has no subgraph")
        if len(subgraphs) > 1:
            raise TFLiteFormatError("the model has %d subgraphs; only single-subgraph models are supported"
                                    % len(subgraphs))
        self.description = root.string(3)
        self._buffers = root.tables(4)                     # Model.buffers
        sg = subgraphs[0]
        self.tensors = [Tensor(i, t) for i, t in enumerate(sg.tables(0))]
        self.inputs = sg.scalars(1, "i")
        self.outputs = sg.scalars(2, "i")
        self.operators = [Operator(t, opcodes) for t in sg.tables(3)]

    def buffer_data(self, tensor):
        """The raw little-endian bytes of a constant tensor (a memoryview), or None for a tensor without data."""
        if tensor.buffer == 0 or tensor.buffer >= len(self._buffers):
            return None
        b = self._buffers[tensor.buffer]
        # Buffer.offset/size (fields 1 and 2) hold data outside the flatbuffer in models over 2 GB.
        offset = b.scalar(1, "Q", 0)
        if offset > 1:
            size = b.scalar(2, "Q", 0)
            return memoryview(self.buf)[offset:offset + size]
        data = b.bytes_vector(0)
        return data if len(data) else None

    def constant_values(self, tensor):
        """A constant tensor's values as a flat Python list (for small int tensors such as shapes and paddings)."""
        data = self.buffer_data(tensor)
        if data is None:
            raise TFLiteFormatError("tensor %r has no constant data" % tensor.name)
        if tensor.type not in TENSOR_TYPES:
            raise TFLiteFormatError("tensor %r has unsupported type %d" % (tensor.name, tensor.type))
        _, code, size = TENSOR_TYPES[tensor.type]
        return list(struct.unpack("<%d%s" % (len(data) // size, code), data))


def load(path):
    """Reads a .tflite file into a Model."""
    with open(path, "rb") as f:
        return Model(f.read())


def summary(model):
    """A short text summary: inputs, outputs and the count of each operator."""
    lines = []
    for kind, indices in (("input", model.inputs), ("output", model.outputs)):
        for i in indices:
            t = model.tensors[i]
            lines.append("%s %s %s %s" % (kind, t.name, t.type_name, t.shape))
    counts = Counter(op.name for op in model.operators)
    lines.append("operators: " + ", ".join("%s %d" % (k, v) for k, v in counts.most_common()))
    lines.append("tensors: %d, sparse: %d" % (len(model.tensors), sum(1 for t in model.tensors if t.sparsity)))
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tflite_reader.py MODEL.tflite")
    print(summary(load(sys.argv[1])))
