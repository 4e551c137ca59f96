#!/usr/bin/env python3
"""A minimal ONNX writer: protobuf encoding of the ONNX messages a converted graph needs, on the standard library.

Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
ValueInfoProto, TypeProto/Tensor, TensorShapeProto, OperatorSetIdProto). Fields are written in one fixed order and
repeated fields in the order given, so the same graph always gives the same bytes (the project pins the SHA-256
of the files this writes).

Protobuf wire format in brief: each field is a key varint (field_number << 3 | wire_type) followed by its value;
wire type 0 is a varint (negative int64 as its 64-bit two's complement, ten bytes), 2 is length-delimited (strings,
bytes, nested messages, packed repeated scalars), 5 is a 4-byte little-endian fixed32 (float).
"""
import struct

# TensorProto.DataType values (onnx.proto).
FLOAT = 1
UINT8 = 2
INT8 = 3
INT32 = 6
INT64 = 7
FLOAT16 = 10

# AttributeProto.AttributeType values (onnx.proto).
ATTR_FLOAT = 1
ATTR_INT = 2
ATTR_STRING = 3
ATTR_FLOATS = 6
ATTR_INTS = 7

_VARINT = 0
_FIXED32 = 5
_LEN = 2


def _varint(value):
    """A base-128 varint; negative values as their 64-bit two's complement, as protobuf encodes int64."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field, wire_type):
    return _varint((field << 3) | wire_type)


def f_varint(field, value):
    """An int field (int32, int64, enum)."""
    return _key(field, _VARINT) + _varint(int(value))


def f_float(field, value):
    """A float field (fixed32)."""
    return _key(field, _FIXED32) + struct.pack("<f", value)


def f_bytes(field, data):
    """A length-delimited field: bytes, a UTF-8 string or an encoded message."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(field, _LEN) + _varint(len(data)) + bytes(data)


def attribute(name, value):
    """AttributeProto from a Python value: int, float, str, or a list of ints or floats.

    Lists are written as one field per element (proto2's unpacked encoding, which onnx.proto declares).
    """
    out = [f_bytes(1, name)]                                   # name = 1
    if isinstance(value, bool) or isinstance(value, int):
        out += [f_varint(3, value), f_varint(20, ATTR_INT)]    # i = 3, type = 20
    elif isinstance(value, float):
        out += [f_float(2, value), f_varint(20, ATTR_FLOAT)]   # f = 2
    elif isinstance(value, str):
        out += [f_bytes(4, value), f_varint(20, ATTR_STRING)]  # s = 4
    elif isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        out += [f_varint(8, v) for v in value] + [f_varint(20, ATTR_INTS)]        # ints = 8
    elif isinstance(value, (list, tuple)):
        out += [f_float(7, float(v)) for v in value] + [f_varint(20, ATTR_FLOATS)]  # floats = 7
    else:
        raise TypeError("unsupported attribute value for %s: %r" % (name, value))
    return b"".join(out)


def node(op_type, inputs, outputs, name, **attrs):
    """NodeProto; attributes are written sorted by name so the bytes do not depend on keyword order."""
    out = [f_bytes(1, i) for i in inputs]                     # input = 1 ("" marks an omitted optional input)
    out += [f_bytes(2, o) for o in outputs]                   # output = 2
    out.append(f_bytes(3, name))                              # name = 3
    out.append(f_bytes(4, op_type))                           # op_type = 4
    for key in sorted(attrs):
        out.append(f_bytes(5, attribute(key, attrs[key])))    # attribute = 5
    return b"".join(out)


def tensor(name, data_type, dims, raw):
    """TensorProto holding its values as raw little-endian bytes (raw_data = 9)."""
    out = [f_varint(1, d) for d in dims]                      # dims = 1
    out.append(f_varint(2, data_type))                        # data_type = 2
    out.append(f_bytes(8, name))                              # name = 8
    out.append(f_bytes(9, raw))                               # raw_data = 9
    return b"".join(out)


def int64_tensor(name, values, dims=None):
    """An INT64 TensorProto from a list of ints (1-D unless dims is given)."""
    values = [int(v) for v in values]
    return tensor(name, INT64, [len(values)] if dims is None else dims, struct.pack("<%dq" % len(values), *values))


def float_tensor(name, values, dims=None):
    """A FLOAT TensorProto from a list of floats (1-D unless dims is given; dims=[] for a scalar)."""
    values = [float(v) for v in values]
    return tensor(name, FLOAT, [len(values)] if dims is None else dims, struct.pack("<%df" % len(values), *values))


def value_info(name, elem_type, shape):
    """ValueInfoProto of a tensor with a fixed shape."""
    dims = b"".join(f_bytes(1, f_varint(1, d)) for d in shape)         # Dimension.dim_value = 1, dim = 1
    tensor_type = f_varint(1, elem_type) + f_bytes(2, dims)             # Tensor.elem_type = 1, shape = 2
    type_proto = f_bytes(1, tensor_type)                                # TypeProto.tensor_type = 1
    return f_bytes(1, name) + f_bytes(2, type_proto)                    # name = 1, type = 2


def graph(name, nodes, initializers, inputs, outputs, doc=""):
    """GraphProto from encoded nodes, initializers (TensorProto) and ValueInfoProto inputs and outputs."""
    out = [f_bytes(1, n) for n in nodes]                      # node = 1
    out.append(f_bytes(2, name))                              # name = 2
    out += [f_bytes(5, t) for t in initializers]              # initializer = 5
    if doc:
        out.append(f_bytes(10, doc))                          # doc_string = 10
    out += [f_bytes(11, v) for v in inputs]                   # input = 11
    out += [f_bytes(12, v) for v in outputs]                  # output = 12
    return b"".join(out)


def model(graph_bytes, opset, ir_version, producer_name, producer_version="", doc=""):
    """ModelProto with one opset import of the default domain."""
    out = [f_varint(1, ir_version),                           # ir_version = 1
           f_bytes(2, producer_name)]                         # producer_name = 2
    if producer_version:
        out.append(f_bytes(3, producer_version))              # producer_version = 3
    if doc:
        out.append(f_bytes(6, doc))                           # doc_string = 6
    out.append(f_bytes(7, graph_bytes))                       # graph = 7
    out.append(f_bytes(8, f_bytes(1, "") + f_varint(2, opset)))   # opset_import = 8: domain = 1, version = 2
    return b"".join(out)
