#!/usr/bin/env python3
"""Checks converted BlazePose ONNX files with the onnx package (optional; Debian: apt-get install python3-onnx).

    /usr/bin/python3 models/tests/check_conversion.py [DIR]      DIR defaults to models/blazepose

For each model: onnx.checker (full check, with shape inference) passes, the graph inputs and outputs have the
TFLite names and NHWC shapes callers rely on, and the weights are FLOAT16 initializers. The converter itself never
imports onnx; this only inspects its output. Fidelity against the TFLite runtime is tested in .NET, on the
reference tensors in tests/TryOn.Tests/TestData/pose.
"""
import os
import sys

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))

EXPECTED = {
    "pose_detection.onnx": (
        {"input_1": [1, 224, 224, 3]},
        {"Identity": [1, 2254, 12], "Identity_1": [1, 2254, 1]},
    ),
    "pose_landmark_full.onnx": (
        {"input_1": [1, 256, 256, 3]},
        {"Identity": [1, 195], "Identity_1": [1, 1], "Identity_2": [1, 256, 256, 1],
         "Identity_3": [1, 64, 64, 39], "Identity_4": [1, 117]},
    ),
}


def shapes(values):
    """name -> list of dims of graph inputs or outputs."""
    return {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in values}


def check(path, inputs, outputs):
    """Returns a list of problems with one model (empty when it is fine)."""
    problems = []
    onnx.checker.check_model(path, full_check=True)   # raises on an invalid model
    model = onnx.load(path)
    if shapes(model.graph.input) != inputs:
        problems.append("inputs %s, expected %s" % (shapes(model.graph.input), inputs))
    if shapes(model.graph.output) != outputs:
        problems.append("outputs %s, expected %s" % (shapes(model.graph.output), outputs))
    types = [t.data_type for t in model.graph.initializer]
    if types.count(onnx.TensorProto.FLOAT16) == 0:
        problems.append("no FLOAT16 initializers: weights were not kept as float16")
    print("%s: opset %d, IR %d, %d nodes, %d initializers (%d float16)" % (
        os.path.basename(path), model.opset_import[0].version, model.ir_version, len(model.graph.node),
        len(types), types.count(onnx.TensorProto.FLOAT16)))
    return problems


def main(argv):
    folder = argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "blazepose")
    failed = False
    for name, (inputs, outputs) in EXPECTED.items():
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            print("%s: missing (run models/install-pose.sh)" % path)
            failed = True
            continue
        for problem in check(path, inputs, outputs):
            print("%s: %s" % (name, problem))
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
