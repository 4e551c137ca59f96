#!/usr/bin/env python3
"""Converts a TFLite model to ONNX (opset 13), on the Python 3 standard library only.

    python3 models/convert_tflite.py IN.tflite OUT.onnx

Written for MediaPipe's BlazePose models (pose_detection and pose_landmark_*); it supports the operators those use,
PAD, DEQUANTIZE (float16), DENSIFY, CONV_2D, DEPTHWISE_CONV_2D, ADD, RESIZE_BILINEAR, MAX_POOL_2D, RESHAPE,
LOGISTIC, CONCATENATION and DEPTH_TO_SPACE, with their fused activations, and stops with an error on anything else.

Layout. TFLite tensors are NHWC; ONNX's Conv, MaxPool, Resize and DepthToSpace want NCHW. Each TFLite tensor can
therefore have several ONNX values: the tensor as TFLite lays it out, and transposed copies (NCHW for activations,
OIHW for weights). An operator asks for its inputs in the layout it needs and a Transpose is added the first time a
layout is asked for, so the graph input is transposed once after `input_1`, activations then stay NCHW, and values
go back to NHWC only before a RESHAPE (whose flattening order is NHWC's) and before the graph outputs. Graph inputs
and outputs keep their TFLite names and NHWC shapes.

Weights. float16 weights stay FLOAT16 initializers, byte for byte, followed by the Cast that DEQUANTIZE maps to and
the Transpose to ONNX's weight layout; ONNX Runtime folds these constants once, when it loads the model. Sparse
weights (DENSIFY) are expanded here, in Python, into dense float16 initializers.

The output depends only on the input file: names are derived from tensor indices, nodes follow the TFLite operator
order, and the encoder writes fields in a fixed order, so the same .tflite always gives the same bytes.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import onnx_writer as ow          # noqa: E402  (found beside this file)
import tflite_reader as tfl       # noqa: E402

OPSET = 13
IR_VERSION = 7
PRODUCER = "TryOn models/convert_tflite.py"
PRODUCER_VERSION = "1"

NCHW = (0, 3, 1, 2)               # NHWC -> NCHW; also TFLite's conv weights OHWI -> ONNX's OIHW
DEPTHWISE = (3, 0, 1, 2)          # TFLite's depthwise weights [1, KH, KW, C] -> ONNX's [C, 1, KH, KW]

# TFLite TensorType -> ONNX TensorProto.DataType, for constants and values.
ONNX_TYPES = {0: ow.FLOAT, 1: ow.FLOAT16, 2: ow.INT32, 3: ow.UINT8, 4: ow.INT64, 9: ow.INT8}


class ConversionError(ValueError):
    """The model uses something this converter does not support."""


def same_padding(in_size, kernel, stride, dilation):
    """TFLite's SAME padding along one axis as (before, after): the odd pixel goes at the end."""
    out = -(-in_size // stride)
    effective = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + effective - in_size, 0)
    return total // 2, total - total // 2


def densify(model, tensor):
    """Expands a sparse constant (SparsityParameters) into its dense raw bytes, row-major over tensor.shape.

    The format (TACO-like) lists the stored dimensions in traversal order: the tensor's own dimensions, then any
    block dimensions (block_map says which dimension each block dimension splits). A DENSE level enumerates all
    its coordinates; a SPARSE_CSR level only those in array_indices[array_segments[p]:array_segments[p + 1]], p
    being the position reached at the level above. The positions reached at the last level are the indices of the
    stored values. The walk goes level by level over all positions at once (lists, not recursion, for speed).

    A dense element index is linear in the coordinates: for a tensor dimension d split in blocks of B,
    index contribution = (block coordinate * B + coordinate within the block) * stride[d], so each level adds
    coordinate * weight, weight being stride[d] * B for the block coordinate and stride[d] for the inner one.
    Positions never reached stay zero.
    """
    sp = tensor.sparsity
    data = model.buffer_data(tensor)
    if data is None:
        raise ConversionError("sparse tensor %r has no values" % tensor.name)
    elem = tfl.TENSOR_TYPES[tensor.type][2]
    shape = tensor.shape
    rank = len(shape)
    order, metas, block_map = sp.traversal_order, sp.dim_metadata, sp.block_map
    if len(order) != len(metas) or len(order) != rank + len(block_map) or sorted(order) != list(range(len(order))):
        raise ConversionError("sparse tensor %r has inconsistent sparsity parameters" % tensor.name)

    strides = [1] * rank
    for d in range(rank - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    # Size and index weight of each stored dimension (tensor dimensions first, then block dimensions).
    block_of = {target: b for b, target in enumerate(block_map)}
    block_size = [metas[order.index(rank + b)].dense_size for b in range(len(block_map))]
    sizes, weights = [], []
    for d in range(rank):
        b = block_size[block_of[d]] if d in block_of else 1
        if b <= 0 or shape[d] % b:
            raise ConversionError("sparse tensor %r: block size %d does not divide dimension %d" % (tensor.name, b, d))
        sizes.append(shape[d] // b)
        weights.append(strides[d] * b)
    for b, target in enumerate(block_map):
        sizes.append(block_size[b])
        weights.append(strides[target])

    positions, offsets = [0], [0]          # per reached node: its position at this level, its dense index so far
    for level, meta in enumerate(metas):
        dim = order[level]
        size, weight = sizes[dim], weights[dim]
        if meta.format == tfl.DIM_DENSE:
            if meta.dense_size != size:
                raise ConversionError("sparse tensor %r: dense size %d, expected %d"
                                      % (tensor.name, meta.dense_size, size))
            positions = [p * size + i for p in positions for i in range(size)]
            offsets = [o + i * weight for o in offsets for i in range(size)]
        elif meta.format == tfl.DIM_SPARSE_CSR:
            segments, indices = meta.array_segments, meta.array_indices
            if segments is None or indices is None or len(segments) < max(positions) + 2:
                raise ConversionError("sparse tensor %r lacks CSR segments or indices" % tensor.name)
            if indices and not (min(indices) >= 0 and max(indices) < size):
                raise ConversionError("sparse tensor %r has an index outside dimension %d" % (tensor.name, dim))
            new_positions, new_offsets = [], []
            for p, o in zip(positions, offsets):
                for j in range(segments[p], segments[p + 1]):
                    new_positions.append(j)
                    new_offsets.append(o + indices[j] * weight)
            positions, offsets = new_positions, new_offsets
        else:
            raise ConversionError("sparse tensor %r uses dimension format %d" % (tensor.name, meta.format))

    stored = len(data) // elem
    if len(positions) != stored or (positions and max(positions) >= stored):
        raise ConversionError("sparse tensor %r: %d positions for %d stored values"
                              % (tensor.name, len(positions), stored))
    count = strides[0] * shape[0] if rank else 1
    dense = bytearray(elem * count)
    for p, o in zip(positions, offsets):
        dense[o * elem:(o + 1) * elem] = data[p * elem:(p + 1) * elem]
    return bytes(dense)


class Converter:
    """Builds the ONNX graph of one TFLite model, operator by operator."""

    def __init__(self, model):
        self.m = model
        self.nodes = []             # encoded NodeProto, in execution order
        self.initializers = []      # encoded TensorProto
        self.values = {}            # tensor index -> {perm or None: ONNX value name}
        self.dense = {}             # tensor index -> (ONNX type, raw bytes) of constants computed here (DENSIFY)
        self.used_names = set()
        self.counter = 0
        self.io_names = {}
        for i in list(model.inputs) + list(model.outputs):
            self.io_names[i] = model.tensors[i].name
        if len(set(self.io_names.values())) != len(self.io_names):
            raise ConversionError("graph inputs and outputs do not have distinct names")

    # ---- names ---------------------------------------------------------------------------------------------------

    def _claim(self, name):
        if name in self.used_names:
            raise ConversionError("name clash on %r" % name)
        self.used_names.add(name)
        return name

    def value_name(self, t, perm):
        """The ONNX name of tensor t in layout perm (None: TFLite's own layout). Graph inputs and outputs keep
        their TFLite names; other tensors are named by index, which keeps the file small and deterministic."""
        base = self.io_names.get(t, "t%d" % t)
        if perm is None:
            return base
        return base + ("_nchw" if perm == NCHW else "_p" + "".join(str(p) for p in perm))

    def temp(self, hint):
        """A fresh name for an intermediate value the TFLite graph does not have (before an activation, say)."""
        self.counter += 1
        return self._claim("%s_%d" % (hint, self.counter))

    def node(self, op_type, inputs, outputs, **attrs):
        """Appends a node; its name is its op type and running number."""
        self.counter += 1
        self.nodes.append(ow.node(op_type, inputs, outputs, "%s_%d" % (op_type, self.counter), **attrs))

    def const_int64(self, hint, values):
        """An INT64 initializer (shapes, pads, sizes)."""
        name = self.temp(hint)
        self.initializers.append(ow.int64_tensor(name, values))
        return name

    def const_float(self, hint, value):
        """A float scalar initializer (Clip bounds)."""
        name = self.temp(hint)
        self.initializers.append(ow.float_tensor(name, [value], dims=[]))
        return name

    # ---- values in layouts -----------------------------------------------------------------------------------------

    def define(self, t, perm):
        """Registers that tensor t is being produced in layout perm; returns the name to write it to."""
        name = self._claim(self.value_name(t, perm))
        self.values.setdefault(t, {})[perm] = name
        return name

    def _materialise_constant(self, t):
        """Adds the initializer of a constant tensor, in TFLite's layout, raw bytes as stored."""
        tensor = self.m.tensors[t]
        if t in self.dense:
            onnx_type, raw = self.dense[t]
        else:
            if tensor.sparsity is not None:
                raise ConversionError("sparse tensor %r is used other than through DENSIFY" % tensor.name)
            raw = self.m.buffer_data(tensor)
            if raw is None:
                raise ConversionError("tensor %r is used before any operator produced it" % tensor.name)
            if tensor.type not in ONNX_TYPES:
                raise ConversionError("constant %r has unsupported type %s" % (tensor.name, tensor.type_name))
            onnx_type = ONNX_TYPES[tensor.type]
        name = self.define(t, None)
        self.initializers.append(ow.tensor(name, onnx_type, tensor.shape, bytes(raw)))

    def get(self, t, perm=None):
        """The ONNX name of tensor t in layout perm, adding a Transpose the first time that layout is asked for."""
        if t not in self.values:
            self._materialise_constant(t)
        have = self.values[t]
        if perm in have:
            return have[perm]
        # Transpose from the first layout it exists in; value = transpose(tflite tensor, src) for each layout src.
        src = next(iter(have))
        src_perm = src if src is not None else tuple(range(len(self.m.tensors[t].shape)))
        target = perm if perm is not None else tuple(range(len(src_perm)))
        relative = [src_perm.index(p) for p in target]
        name = self.define(t, perm)
        self.node("Transpose", [have[src]], [name], perm=relative)
        return name

    def layout_of(self, t):
        """The first layout tensor t is available in (for operators that work in any layout)."""
        if t not in self.values:
            self._materialise_constant(t)
        return next(iter(self.values[t]))

    def shape(self, t):
        return self.m.tensors[t].shape

    # ---- fused activations -----------------------------------------------------------------------------------------

    def emit_with_activation(self, op_type, inputs, t_out, perm, activation, **attrs):
        """Emits op_type writing tensor t_out (in layout perm), followed by its TFLite fused activation."""
        if activation == 0:                                   # NONE
            self.node(op_type, inputs, [self.define(t_out, perm)], **attrs)
            return
        pre = self.temp("t%d_pre" % t_out)
        self.node(op_type, inputs, [pre], **attrs)
        out = self.define(t_out, perm)
        if activation == 1:                                   # RELU
            self.node("Relu", [pre], [out])
        elif activation == 2:                                 # RELU_N1_TO_1
            self.node("Clip", [pre, self.const_float("minus_one", -1.0), self.const_float("one", 1.0)], [out])
        elif activation == 3:                                 # RELU6
            self.node("Clip", [pre, self.const_float("zero", 0.0), self.const_float("six", 6.0)], [out])
        elif activation == 4:                                 # TANH
            self.node("Tanh", [pre], [out])
        else:
            raise ConversionError("fused activation %s is not supported"
                                  % tfl.ACTIVATION_NAMES.get(activation, activation))

    # ---- operators -------------------------------------------------------------------------------------------------

    def convert(self):
        """Converts every operator, then the graph outputs; returns the encoded ModelProto."""
        for t in self.m.inputs:
            tensor = self.m.tensors[t]
            if tensor.type != 0:
                raise ConversionError("input %r is %s; only FLOAT32 inputs are supported"
                                      % (tensor.name, tensor.type_name))
            self.define(t, None)
        for op in self.m.operators:
            handler = getattr(self, "op_" + op.name, None)
            if handler is None:
                raise ConversionError("operator %s is not supported (custom code %r)" % (op.name, op.custom_code))
            # Only float models: a quantized (integer) activation would need scales this converter ignores.
            for t in op.outputs:
                if self.m.tensors[t].type != 0 and op.name != "DENSIFY":
                    raise ConversionError("%s produces %r as %s; only FLOAT32 activations are supported"
                                          % (op.name, self.m.tensors[t].name, self.m.tensors[t].type_name))
            handler(op)
        for t in self.m.outputs:
            self.get(t, None)          # back to NHWC, under the TFLite name
        return self.encode()

    def encode(self):
        """The ModelProto bytes."""
        inputs = [ow.value_info(self.m.tensors[t].name, ow.FLOAT, self.shape(t)) for t in self.m.inputs]
        outputs = []
        for t in self.m.outputs:
            tensor = self.m.tensors[t]
            outputs.append(ow.value_info(tensor.name, ONNX_TYPES[tensor.type], tensor.shape))
        g = ow.graph("tflite_converted", self.nodes, self.initializers, inputs, outputs)
        return ow.model(g, OPSET, IR_VERSION, PRODUCER, PRODUCER_VERSION,
                        doc="Converted from TFLite by TryOn's models/convert_tflite.py; weights unchanged.")

    def op_DEQUANTIZE(self, op):
        """float16 -> float32 is a Cast; quantized integer inputs are not supported."""
        src = self.m.tensors[op.inputs[0]]
        if src.type != 1:
            raise ConversionError("DEQUANTIZE of %s (%r) is not supported; only FLOAT16" % (src.type_name, src.name))
        self.node("Cast", [self.get(op.inputs[0])], [self.define(op.outputs[0], None)], to=ow.FLOAT)

    def op_DENSIFY(self, op):
        """Expands the sparse constant here; the dense result becomes an initializer for the output tensor."""
        src = self.m.tensors[op.inputs[0]]
        if src.sparsity is None or self.m.buffer_data(src) is None:
            raise ConversionError("DENSIFY of %r, which is not a sparse constant" % src.name)
        out = self.m.tensors[op.outputs[0]]
        if out.shape != src.shape or out.type != src.type:
            raise ConversionError("DENSIFY changes shape or type of %r" % src.name)
        self.dense[op.outputs[0]] = (ONNX_TYPES[src.type], densify(self.m, src))

    def _conv(self, op, depthwise):
        """CONV_2D and DEPTHWISE_CONV_2D: ONNX Conv in NCHW, SAME padding as explicit (asymmetric) pads."""
        kind = tfl.OPTIONS_DEPTHWISE_CONV2D if depthwise else tfl.OPTIONS_CONV2D
        padding = op.option(kind, 0, "b", 0)
        stride_w = op.option(kind, 1, "i", 1)
        stride_h = op.option(kind, 2, "i", 1)
        # Conv2DOptions: fused_activation_function 3, dilation_w 4, dilation_h 5 (defaults 1).
        # DepthwiseConv2DOptions: depth_multiplier 3, fused_activation_function 4, dilation_w 5, dilation_h 6.
        first = 4 if depthwise else 3
        activation = op.option(kind, first, "b", 0)
        dil_w = op.option(kind, first + 1, "i", 1)
        dil_h = op.option(kind, first + 2, "i", 1)
        x, w = op.inputs[0], op.inputs[1]
        bias = op.inputs[2] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
        n, h, wd, c = self.shape(x)
        kshape = self.shape(w)
        kh, kw = kshape[1], kshape[2]
        if depthwise:
            if kshape[0] != 1 or kshape[3] % c:
                raise ConversionError("depthwise weights %s do not fit input channels %d" % (kshape, c))
            weight, group = self.get(w, DEPTHWISE), c
        else:
            if kshape[3] != c:
                raise ConversionError("conv weights %s do not fit input channels %d (grouped conv)" % (kshape, c))
            weight, group = self.get(w, NCHW), 1
        if padding == 0:    # SAME
            top, bottom = same_padding(h, kh, stride_h, dil_h)
            left, right = same_padding(wd, kw, stride_w, dil_w)
        elif padding == 1:  # VALID
            top = bottom = left = right = 0
        else:
            raise ConversionError("padding %d is not supported" % padding)
        inputs = [self.get(x, NCHW), weight] + ([self.get(bias)] if bias is not None else [])
        self.emit_with_activation("Conv", inputs, op.outputs[0], NCHW, activation,
                                  kernel_shape=[kh, kw], strides=[stride_h, stride_w], dilations=[dil_h, dil_w],
                                  pads=[top, left, bottom, right], group=group)

    def op_CONV_2D(self, op):
        self._conv(op, depthwise=False)

    def op_DEPTHWISE_CONV_2D(self, op):
        self._conv(op, depthwise=True)

    def op_MAX_POOL_2D(self, op):
        """MaxPool in NCHW; SAME pads, like TFLite's, never win the max."""
        k = tfl.OPTIONS_POOL2D
        padding = op.option(k, 0, "b", 0)
        stride_w, stride_h = op.option(k, 1, "i", 1), op.option(k, 2, "i", 1)
        fw, fh = op.option(k, 3, "i", 1), op.option(k, 4, "i", 1)
        activation = op.option(k, 5, "b", 0)
        _, h, w, _ = self.shape(op.inputs[0])
        if padding == 0:
            top, bottom = same_padding(h, fh, stride_h, 1)
            left, right = same_padding(w, fw, stride_w, 1)
        else:
            top = bottom = left = right = 0
        self.emit_with_activation("MaxPool", [self.get(op.inputs[0], NCHW)], op.outputs[0], NCHW, activation,
                                  kernel_shape=[fh, fw], strides=[stride_h, stride_w],
                                  pads=[top, left, bottom, right])

    def op_ADD(self, op):
        """Elementwise; NCHW when every operand is 4-D (broadcasting then still lines up), else TFLite's layout."""
        activation = op.option(tfl.OPTIONS_ADD, 0, "b", 0)
        perm = NCHW if all(len(self.shape(i)) == 4 for i in op.inputs) else None
        inputs = [self.get(i, perm) for i in op.inputs]
        self.emit_with_activation("Add", inputs, op.outputs[0], perm, activation)

    def op_LOGISTIC(self, op):
        """Sigmoid, in whichever layout its input already has."""
        perm = self.layout_of(op.inputs[0])
        self.node("Sigmoid", [self.get(op.inputs[0], perm)], [self.define(op.outputs[0], perm)])

    def op_PAD(self, op):
        """Constant zero padding; the [rank, 2] paddings reordered for NCHW when the input is 4-D."""
        paddings = self.m.constant_values(self.m.tensors[op.inputs[1]])
        rank = len(self.shape(op.inputs[0]))
        before, after = paddings[0::2], paddings[1::2]
        perm = NCHW if rank == 4 else None
        if perm is not None:
            before, after = [before[p] for p in perm], [after[p] for p in perm]
        pads = self.const_int64("pads", before + after)
        self.node("Pad", [self.get(op.inputs[0], perm), pads], [self.define(op.outputs[0], perm)], mode="constant")

    def op_RESHAPE(self, op):
        """Reshape in TFLite's (NHWC) layout, since the element order of the flattening is NHWC's."""
        shape = self.const_int64("shape", self.shape(op.outputs[0]))
        self.node("Reshape", [self.get(op.inputs[0], None), shape], [self.define(op.outputs[0], None)])

    def op_RESIZE_BILINEAR(self, op):
        """ONNX Resize (linear) in NCHW, to the sizes of the TFLite output tensor."""
        k = tfl.OPTIONS_RESIZE_BILINEAR
        # ResizeBilinearOptions: new_height 0 and new_width 1 (deprecated), align_corners 2, half_pixel_centers 3.
        align_corners = bool(op.option(k, 2, "?", False))
        half_pixel = bool(op.option(k, 3, "?", False))
        if align_corners and half_pixel:
            raise ConversionError("RESIZE_BILINEAR with both align_corners and half_pixel_centers")
        mode = "half_pixel" if half_pixel else "align_corners" if align_corners else "asymmetric"
        n, h, w, c = self.shape(op.outputs[0])
        if len(op.inputs) > 1 and self.m.buffer_data(self.m.tensors[op.inputs[1]]) is not None:
            if self.m.constant_values(self.m.tensors[op.inputs[1]]) != [h, w]:
                raise ConversionError("RESIZE_BILINEAR size input disagrees with its output shape")
        sizes = self.const_int64("sizes", [n, c, h, w])
        self.node("Resize", [self.get(op.inputs[0], NCHW), "", "", sizes], [self.define(op.outputs[0], NCHW)],
                  mode="linear", coordinate_transformation_mode=mode)

    def op_CONCATENATION(self, op):
        """Concat; in NCHW (axis remapped) when every input is 4-D, else in TFLite's layout."""
        axis = op.option(tfl.OPTIONS_CONCATENATION, 0, "i", 0)
        activation = op.option(tfl.OPTIONS_CONCATENATION, 1, "b", 0)
        rank = len(self.shape(op.outputs[0]))
        axis = axis + rank if axis < 0 else axis
        perm = NCHW if rank == 4 and all(len(self.shape(i)) == 4 for i in op.inputs) else None
        onnx_axis = perm.index(axis) if perm is not None else axis
        inputs = [self.get(i, perm) for i in op.inputs]
        self.emit_with_activation("Concat", inputs, op.outputs[0], perm, activation, axis=onnx_axis)

    def op_DEPTH_TO_SPACE(self, op):
        """TFLite's NHWC depth-to-space takes input channel (i * block + j) * C_out + c for output (i, j, c): the
        depth-column-row order that ONNX DepthToSpace calls DCR."""
        block = op.option(tfl.OPTIONS_DEPTH_TO_SPACE, 0, "i", 0)
        if block < 1:
            raise ConversionError("DEPTH_TO_SPACE without a block size")
        self.node("DepthToSpace", [self.get(op.inputs[0], NCHW)], [self.define(op.outputs[0], NCHW)],
                  blocksize=block, mode="DCR")


def convert_file(src, dst):
    """Converts src (.tflite) into dst (.onnx); returns the number of bytes written."""
    with open(src, "rb") as f:
        model = tfl.Model(f.read())
    data = Converter(model).convert()
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, dst)      # never leave a half-written model under the final name
    return len(data)


def main(argv):
    if len(argv) != 3:
        print("usage: convert_tflite.py IN.tflite OUT.onnx", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        size = convert_file(argv[1], argv[2])
    except (ConversionError, tfl.TFLiteFormatError) as e:
        print("convert_tflite.py: %s: %s" % (argv[1], e), file=sys.stderr)
        return 1
    print("%s -> %s: %d bytes in %.2f s" % (argv[1], argv[2], size, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
