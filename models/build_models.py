#!/usr/bin/env python3
"""Builds TryOn's baseline try-on graphs and their entries in models/manifest.json (other entries are kept).

Run with Debian's interpreter and its python3-onnx package (the pyenv python on PATH cannot see it):
    apt-get install -y python3-onnx
    /usr/bin/python3 models/build_models.py

The graph is TryOn's own: no learned weights, only small constant kernels. It takes the shopper photo and a
product photo of the garment on a plain light background, and
  1. cuts the garment out (distance from the background white, as a soft mask),
  2. resizes it onto the torso box of a 4:5 upper-body portrait (the framing uploads are cropped to),
  3. feathers the mask edges (two 9x9 box blurs),
  4. matches the garment to the photo's lighting (the person's local luminance, relative to its mean),
  5. composites garment over person.
A second graph, garment-composite-masked, does the same with a garment mask given as an input instead of step 1:
the engine uses it when the optional ISNet cut-out model is installed (models/install-isnet.sh).

It also writes tests/TryOn.Tests/TestData/isnet-standin.onnx: a tiny graph with ISNet's inputs and outputs (the
same distance-from-white cut-out, no weights), so the tests exercise the optional model's path without the model.
"""
import hashlib
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
H, W = 1024, 768            # person input (4:5 would be 960; the pipeline covers and crops to this)
GH, GW = 512, 512           # garment input, contained in a white square
# Torso box of an upper-body portrait, as fractions of the frame.
TOP, LEFT, BOX_H, BOX_W = int(H * 0.31), int(W * 0.18), int(H * 0.62), int(W * 0.64)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def build(masked=False):
    """The composite graph; with masked=True the garment mask is the input garment_mask [1,1,512,512] in [0, 1]."""
    nodes = []
    inits = [
        const("one", np.array(1.0, np.float32)),
        const("bg_threshold", np.array(0.08, np.float32)),
        const("mask_gain", np.array(8.0, np.float32)),
        const("zero", np.array(0.0, np.float32)),
        const("box_sizes", np.array([1, 3, BOX_H, BOX_W], np.int64)),
        const("mask_sizes", np.array([1, 1, BOX_H, BOX_W], np.int64)),
        const("pads", np.array([0, 0, TOP, LEFT, 0, 0, H - TOP - BOX_H, W - LEFT - BOX_W], np.int64)),
        const("luma_weights", np.array([0.299, 0.587, 0.114], np.float32).reshape(1, 3, 1, 1)),
        const("shade_min", np.array(0.6, np.float32)),
        const("shade_max", np.array(1.3, np.float32)),
        const("eps", np.array(1e-3, np.float32)),
    ]
    # 1. Cut-out: how far each pixel is from white, in its most distant channel (or the given mask).
    if masked:
        nodes.append(helper.make_node("Clip", ["garment_mask", "zero", "one"], ["mask_small"]))
    else:
        nodes += [
            helper.make_node("Sub", ["one", "garment"], ["inv"]),
            helper.make_node("ReduceMax", ["inv"], ["dist"], axes=[1], keepdims=1),
            helper.make_node("Sub", ["dist", "bg_threshold"], ["dist_off"]),
            helper.make_node("Mul", ["dist_off", "mask_gain"], ["mask_raw"]),
            helper.make_node("Clip", ["mask_raw", "zero", "one"], ["mask_small"]),
        ]
    # 2. Onto the torso box, then into the frame.
    nodes += [
        helper.make_node("Resize", ["garment", "", "", "box_sizes"], ["garment_box"], mode="linear"),
        helper.make_node("Resize", ["mask_small", "", "", "mask_sizes"], ["mask_box"], mode="linear"),
        helper.make_node("Pad", ["garment_box", "pads"], ["garment_frame"], mode="constant"),
        helper.make_node("Pad", ["mask_box", "pads"], ["mask_frame"], mode="constant"),
    ]
    # 3. Feathered edges.
    nodes += [
        helper.make_node("AveragePool", ["mask_frame"], ["mask_soft1"], kernel_shape=[9, 9], auto_pad="SAME_UPPER", count_include_pad=1),
        helper.make_node("AveragePool", ["mask_soft1"], ["mask"], kernel_shape=[9, 9], auto_pad="SAME_UPPER", count_include_pad=1),
    ]
    # 4. Lighting: the person's smoothed luminance relative to its mean shades the garment.
    nodes += [
        helper.make_node("Conv", ["person", "luma_weights"], ["luma"]),
        helper.make_node("AveragePool", ["luma"], ["luma_local"], kernel_shape=[31, 31], auto_pad="SAME_UPPER"),
        helper.make_node("ReduceMean", ["luma_local"], ["luma_mean"], axes=[2, 3], keepdims=1),
        helper.make_node("Add", ["luma_mean", "eps"], ["luma_mean_safe"]),
        helper.make_node("Div", ["luma_local", "luma_mean_safe"], ["shade_raw"]),
        helper.make_node("Clip", ["shade_raw", "shade_min", "shade_max"], ["shade"]),
        helper.make_node("Mul", ["garment_frame", "shade"], ["garment_lit_raw"]),
        helper.make_node("Clip", ["garment_lit_raw", "zero", "one"], ["garment_lit"]),
    ]
    # 5. Composite.
    nodes += [
        helper.make_node("Sub", ["one", "mask"], ["inv_mask"]),
        helper.make_node("Mul", ["garment_lit", "mask"], ["fg"]),
        helper.make_node("Mul", ["person", "inv_mask"], ["bg"]),
        helper.make_node("Add", ["fg", "bg"], ["result"]),
    ]
    inputs = [
        helper.make_tensor_value_info("person", TensorProto.FLOAT, [1, 3, H, W]),
        helper.make_tensor_value_info("garment", TensorProto.FLOAT, [1, 3, GH, GW]),
    ]
    if masked:
        inputs.append(helper.make_tensor_value_info("garment_mask", TensorProto.FLOAT, [1, 1, GH, GW]))
        inits = [i for i in inits if i.name not in ("bg_threshold", "mask_gain")]
    graph = helper.make_graph(
        nodes,
        "tryon-garment-composite-masked" if masked else "tryon-garment-composite",
        inputs,
        [helper.make_tensor_value_info("result", TensorProto.FLOAT, [1, 3, H, W])],
        inits,
    )
    model = helper.make_model(graph, producer_name="tryon-build-models", opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def build_warp():
    """The pose-guided engine's pixel work (src/Grains/Engines/PoseWarpEngine.cs); sizes are dynamic.

    Inputs, over the region of the shopper image the garment falls in:
      person  [1,3,H,W]   the photo's pixels there, RGB in [0, 1]
      garment [3,4,G,G']  the garment image once per part (panel, image-left limb, image-right limb): RGB premultiplied
                          by the part's alpha, and that alpha
      grid    [3,h,w,2]   for each part, the garment pixel each node of a coarse grid shows (GridSample's [-1, 1])
      masks   [1,2,h,w]   where the arms lie over the panel; where any garment may be drawn
      work_size [2]       rows and columns the garment layer is worked at (about the garment image's resolution;
                          the engine picks it), brought to the region's size for the composite
    Steps: the grids are interpolated to every pixel and the parts sampled (GridSample, bilinear); the panel goes under
    the arms, the sleeves over them; the result is clipped to where garment may go and its edge feathered; it is shaded
    by the detail of the photo's luminance (fine luminance over its local mean, so a white garment on a dark jacket
    stays white while keeping the folds), and composited over the photo.
    """
    nodes = []
    inits = [
        const("one", np.array(1.0, np.float32)),
        const("zero", np.array(0.0, np.float32)),
        const("alpha_eps", np.array(1e-4, np.float32)),
        const("luma_eps", np.array(0.06, np.float32)),
        const("shade_strength", np.array(0.75, np.float32)),
        const("shade_min", np.array(0.7, np.float32)),
        const("shade_max", np.array(1.25, np.float32)),
        const("shade_rows", np.array(256.0, np.float32)),
        const("shade_min_side", np.array(8.0, np.float32)),
        const("luma_weights", np.array([0.299, 0.587, 0.114], np.float32).reshape(1, 3, 1, 1)),
        const("hw_start", np.array([2], np.int64)),
        const("hw_end", np.array([4], np.int64)),
        const("parts_channels", np.array([3, 2], np.int64)),
        const("one_two", np.array([1, 2], np.int64)),
        const("one_one", np.array([1, 1], np.int64)),
        const("one_three", np.array([1, 3], np.int64)),
        const("ch0", np.array([0], np.int64)),
        const("ch1", np.array([1], np.int64)),
        const("ch2", np.array([2], np.int64)),
        const("ch3", np.array([3], np.int64)),
        const("ch4", np.array([4], np.int64)),
        const("axis1", np.array([1], np.int64)),
        const("split3", np.array([1, 1, 1], np.int64)),
    ]
    nodes += [
        helper.make_node("Shape", ["person"], ["person_shape"]),
        helper.make_node("Slice", ["person_shape", "hw_start", "hw_end"], ["hw"]),
        helper.make_node("Concat", ["parts_channels", "work_size"], ["grid_sizes"], axis=0),
        helper.make_node("Concat", ["one_two", "work_size"], ["mask_sizes"], axis=0),
        helper.make_node("Concat", ["one_one", "work_size"], ["work_sizes"], axis=0),
        helper.make_node("Concat", ["one_one", "hw"], ["luma_sizes"], axis=0),
        # 1. Every pixel's garment coordinate, and the parts sampled there.
        helper.make_node("Transpose", ["grid"], ["grid_nchw"], perm=[0, 3, 1, 2]),
        helper.make_node("Resize", ["grid_nchw", "", "", "grid_sizes"], ["grid_full_nchw"], mode="linear"),
        helper.make_node("Transpose", ["grid_full_nchw"], ["grid_full"], perm=[0, 2, 3, 1]),
        helper.make_node("GridSample", ["garment", "grid_full"], ["warped"], mode="bilinear", padding_mode="zeros", align_corners=0),
        helper.make_node("Resize", ["masks", "", "", "mask_sizes"], ["masks_full"], mode="linear"),
        helper.make_node("Slice", ["masks_full", "ch0", "ch1", "axis1"], ["arms"]),
        helper.make_node("Slice", ["masks_full", "ch1", "ch2", "axis1"], ["allowed"]),
        helper.make_node("Split", ["warped", "split3"], ["panel", "left", "right"], axis=0),
    ]
    for part in ("panel", "left", "right"):
        nodes += [
            helper.make_node("Slice", [part, "ch0", "ch3", "axis1"], [part + "_rgb"]),
            helper.make_node("Slice", [part, "ch3", "ch4", "axis1"], [part + "_a"]),
        ]
    # 2. Layers: the panel under the arms, each sleeve over them (premultiplied "over").
    nodes += [
        helper.make_node("Sub", ["one", "arms"], ["not_arms"]),
        helper.make_node("Mul", ["panel_rgb", "not_arms"], ["p0"]),
        helper.make_node("Mul", ["panel_a", "not_arms"], ["a0"]),
    ]
    previous = ("p0", "a0")
    for index, part in enumerate(("left", "right"), start=1):
        p, a = previous
        nodes += [
            helper.make_node("Sub", ["one", part + "_a"], [part + "_under"]),
            helper.make_node("Mul", [p, part + "_under"], [f"p{index}_under"]),
            helper.make_node("Add", [part + "_rgb", f"p{index}_under"], [f"p{index}"]),
            helper.make_node("Mul", [a, part + "_under"], [f"a{index}_under"]),
            helper.make_node("Add", [part + "_a", f"a{index}_under"], [f"a{index}"]),
        ]
        previous = (f"p{index}", f"a{index}")
    p, a = previous
    # 3. Colour from premultiplied; alpha clipped to where garment may go, its edge feathered.
    nodes += [
        helper.make_node("Max", [a, "alpha_eps"], ["a_safe"]),
        helper.make_node("Div", [p, "a_safe"], ["colour_raw"]),
        helper.make_node("Clip", ["colour_raw", "zero", "one"], ["colour"]),
        helper.make_node("Mul", [a, "allowed"], ["alpha_clipped"]),
        helper.make_node("Clip", ["alpha_clipped", "zero", "one"], ["alpha_hard"]),
        helper.make_node("AveragePool", ["alpha_hard"], ["alpha_work"], kernel_shape=[3, 3], auto_pad="SAME_UPPER"),
    ]
    # 4. Shading from the photo's luminance detail, measured on the region brought to 256 rows whatever the photo's
    #    size (a 4x4 mean first, against aliasing) (so it sees folds and body shading, not print or noise): fine luminance over its local mean (a tenth of
    #    the region), damped and bounded, then brought back to every pixel.
    nodes += [
        helper.make_node("Conv", ["person", "luma_weights"], ["luma"]),
        helper.make_node("Cast", ["hw"], ["hw_float"], to=TensorProto.FLOAT),
        helper.make_node("Slice", ["hw_float", "ch0", "ch1"], ["rows_float"]),
        helper.make_node("Div", ["shade_rows", "rows_float"], ["shade_ratio"]),
        helper.make_node("Mul", ["hw_float", "shade_ratio"], ["shade_hw_raw"]),
        helper.make_node("Max", ["shade_hw_raw", "shade_min_side"], ["shade_hw_floor"]),
        helper.make_node("Ceil", ["shade_hw_floor"], ["shade_hw_ceil"]),
        helper.make_node("Cast", ["shade_hw_ceil"], ["shade_hw"], to=TensorProto.INT64),
        helper.make_node("Concat", ["one_one", "shade_hw"], ["shade_sizes"], axis=0),
        helper.make_node("AveragePool", ["luma"], ["luma_quarter"], kernel_shape=[4, 4], strides=[4, 4], auto_pad="SAME_UPPER"),
        helper.make_node("Resize", ["luma_quarter", "", "", "shade_sizes"], ["luma_small"], mode="linear"),
        helper.make_node("AveragePool", ["luma_small"], ["luma_fine"], kernel_shape=[3, 3], auto_pad="SAME_UPPER"),
        helper.make_node("AveragePool", ["luma_small"], ["luma_local"], kernel_shape=[25, 25], auto_pad="SAME_UPPER"),
        helper.make_node("Add", ["luma_fine", "luma_eps"], ["fine_safe"]),
        helper.make_node("Add", ["luma_local", "luma_eps"], ["local_safe"]),
        helper.make_node("Div", ["fine_safe", "local_safe"], ["detail"]),
        helper.make_node("Sub", ["detail", "one"], ["detail_off"]),
        helper.make_node("Mul", ["detail_off", "shade_strength"], ["shade_off"]),
        helper.make_node("Add", ["shade_off", "one"], ["shade_raw"]),
        helper.make_node("Clip", ["shade_raw", "shade_min", "shade_max"], ["shade_small"]),
        helper.make_node("Resize", ["shade_small", "", "", "work_sizes"], ["shade"], mode="linear"),
        helper.make_node("Mul", ["colour", "shade"], ["lit_raw"]),
        helper.make_node("Clip", ["lit_raw", "zero", "one"], ["lit_work"]),
        # Back to every pixel of the region: the garment layer was worked at about the garment image's resolution.
        helper.make_node("Concat", ["one_three", "hw"], ["colour_sizes"], axis=0),
        helper.make_node("Resize", ["lit_work", "", "", "colour_sizes"], ["lit"], mode="linear"),
        helper.make_node("Resize", ["alpha_work", "", "", "luma_sizes"], ["alpha"], mode="linear"),
    ]
    # 5. Composite.
    nodes += [
        helper.make_node("Sub", ["lit", "person"], ["towards"]),
        helper.make_node("Mul", ["towards", "alpha"], ["change"]),
        helper.make_node("Add", ["person", "change"], ["result"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tryon-garment-warp",
        [
            helper.make_tensor_value_info("person", TensorProto.FLOAT, [1, 3, "H", "W"]),
            helper.make_tensor_value_info("garment", TensorProto.FLOAT, [3, 4, "G", "G2"]),
            helper.make_tensor_value_info("grid", TensorProto.FLOAT, [3, "h", "w", 2]),
            helper.make_tensor_value_info("masks", TensorProto.FLOAT, [1, 2, "h", "w"]),
            helper.make_tensor_value_info("work_size", TensorProto.INT64, [2]),
        ],
        [helper.make_tensor_value_info("result", TensorProto.FLOAT, [1, 3, "H", "W"])],
        inits,
    )
    model = helper.make_model(graph, producer_name="tryon-build-models", opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def build_isnet_standin():
    """ISNet's interface: input [1,3,1024,1024] as (v - 128) / 256, output [1,1,1024,1024] in [0, 1], a side output."""
    side = 1024
    nodes = [
        helper.make_node("Sub", ["white", "input"], ["inv"]),
        helper.make_node("ReduceMax", ["inv"], ["dist"], axes=[1], keepdims=1),
        helper.make_node("Sub", ["dist", "bg_threshold"], ["dist_off"]),
        helper.make_node("Mul", ["dist_off", "mask_gain"], ["mask_raw"]),
        helper.make_node("Clip", ["mask_raw", "zero", "one"], ["output"]),
        helper.make_node("Identity", ["output"], ["side"]),
    ]
    inits = [
        const("white", np.array(127.0 / 256.0, np.float32)),
        const("bg_threshold", np.array(0.08, np.float32)),
        const("mask_gain", np.array(8.0, np.float32)),
        const("zero", np.array(0.0, np.float32)),
        const("one", np.array(1.0, np.float32)),
    ]
    graph = helper.make_graph(
        nodes,
        "isnet-standin",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, side, side])],
        [
            helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, side, side]),
            helper.make_tensor_value_info("side", TensorProto.FLOAT, [1, 1, side, side]),
        ],
        inits,
    )
    model = helper.make_model(graph, producer_name="tryon-build-models", opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def main():
    licence = "Apache-2.0 (TryOn's own graph, built by models/build_models.py; no third-party weights)"
    entries = []
    for name, masked in (("garment-composite", False), ("garment-composite-masked", True)):
        data = build(masked).SerializeToString()
        path = os.path.join(HERE, name + ".onnx")
        with open(path, "wb") as f:
            f.write(data)
        inputs = {"person": [1, 3, H, W], "garment": [1, 3, GH, GW]}
        if masked:
            inputs["garment_mask"] = [1, 1, GH, GW]
        entries.append({
            "name": name,
            "file": name + ".onnx",
            "sha256": hashlib.sha256(data).hexdigest(),
            "engine": "composite",
            "inputs": inputs,
            "outputs": {"result": [1, 3, H, W]},
            "licence": licence,
        })
        print(f"wrote {path} ({len(data)} bytes)")
    data = build_warp().SerializeToString()
    path = os.path.join(HERE, "garment-warp.onnx")
    with open(path, "wb") as f:
        f.write(data)
    entries.append({
        "name": "garment-warp",
        "file": "garment-warp.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "engine": "pose-warp",
        "inputs": {"person": [1, 3, -1, -1], "garment": [3, 4, -1, -1], "grid": [3, -1, -1, 2], "masks": [1, 2, -1, -1], "work_size": [2]},
        "outputs": {"result": [1, 3, -1, -1]},
        "licence": licence,
    })
    print(f"wrote {path} ({len(data)} bytes)")
    # The manifest also lists models this script does not build (the BlazePose pins of install-pose.sh): keep them.
    manifest_path = os.path.join(HERE, "manifest.json")
    ours = {entry["name"] for entry in entries}
    with open(manifest_path) as f:
        others = [entry for entry in json.load(f)["models"] if entry["name"] not in ours]
    with open(manifest_path, "w") as f:
        json.dump({"models": entries + others}, f, indent=2)
        f.write("\n")
    standin = os.path.join(HERE, "..", "tests", "TryOn.Tests", "TestData", "isnet-standin.onnx")
    with open(standin, "wb") as f:
        f.write(build_isnet_standin().SerializeToString())
    print(f"wrote {os.path.normpath(standin)}")


if __name__ == "__main__":
    main()
