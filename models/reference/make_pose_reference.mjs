// Makes the reference outputs that test TryOn's TFLite -> ONNX conversion of BlazePose: the ORIGINAL .tflite
// models run by a real TFLite runtime (@tensorflow/tfjs-tflite: the TFLite C++ interpreter compiled to WASM) in
// headless Chromium, on inputs made from the test photo. Run once by hand; its outputs are committed. See README.md.
//
//   node models/reference/make_pose_reference.mjs --modules SCRATCH/node_modules --package SCRATCH/package \
//        --chromium CHROMIUM [--photo tests/TryOn.Tests/TestData/person-astronaut.png] \
//        [--out tests/TryOn.Tests/TestData/pose]
//
// --modules: a node_modules folder holding @tensorflow/tfjs-core, @tensorflow/tfjs-backend-cpu,
//            @tensorflow/tfjs-tflite and playwright-core (versions in README.md).
// --package: the extracted npm package @mediapipe/pose (its pose_landmark_full.tflite and
//            pose_solution_packed_assets.data, from which the detector is sliced as the package's loader says).
//
// Writes, gzip-compressed little-endian float32, each input tensor and each output tensor of each case, and
// index.json naming the files, their shapes, the model and the SHA-256 of the .tflite that made them.
import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, "..", "..");

function parseArgs(argv) {
  const args = {
    chromium: process.env.CHROMIUM_PATH,
    photo: path.join(repo, "tests/TryOn.Tests/TestData/person-astronaut.png"),
    out: path.join(repo, "tests/TryOn.Tests/TestData/pose"),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!["modules", "package", "chromium", "photo", "out"].includes(key) || argv[i + 1] === undefined) {
      throw new Error(`unknown or incomplete argument ${argv[i]} (see the comment at the top of this file)`);
    }
    args[key] = path.resolve(argv[i + 1]);
  }
  if (!args.modules || !args.package) throw new Error("--modules and --package are required");
  if (!args.chromium) throw new Error("--chromium (or CHROMIUM_PATH) must name a Chromium executable");
  return args;
}

// The detector is the first file of pose_solution_packed_assets.data; the loader script gives its byte range.
function sliceDetector(packageDir) {
  const loader = fs.readFileSync(path.join(packageDir, "pose_solution_packed_assets_loader.js"), "utf8");
  const m = loader.match(/"filename":\s*"[^"]*\/pose_detection\.tflite",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/);
  if (!m) throw new Error("the loader script does not list pose_detection.tflite");
  const data = fs.readFileSync(path.join(packageDir, "pose_solution_packed_assets.data"));
  const model = data.subarray(Number(m[1]), Number(m[2]));
  if (model.subarray(4, 8).toString("latin1") !== "TFL3") throw new Error("the sliced detector is not a TFLite file");
  return model;
}

const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");

// The cases: which model, which input. The page builds each input from the photo with a 2-D canvas (bilinear
// resampling); how an input was made does not matter for the test, since the input tensor itself is saved.
const CASES = [
  { name: "detector_square", model: "pose_detection", size: 224, range: "minus1to1",
    about: "the whole 512x512 photo letterboxed (here: resized) to 224x224, values pixel/127.5 - 1" },
  { name: "detector_offcentre", model: "pose_detection", size: 224, range: "minus1to1",
    about: "the photo shrunk to 40% on a light-grey 640x400 canvas, right of centre, letterboxed to 224x224 (black bars)" },
  { name: "landmark_square", model: "pose_landmark_full", size: 256, range: "zero1",
    about: "the whole 512x512 photo resized to 256x256, values pixel/255" },
  { name: "landmark_rotated", model: "pose_landmark_full", size: 256, range: "zero1",
    about: "a 440-pixel square crop about the torso (x 220, y 300 of 512), rotated 15 degrees, resized to 256x256" },
];

// Outputs kept per model (the landmark heatmap Identity_3, 64x64x39, is left out to keep the folder small).
const KEEP = {
  pose_detection: ["Identity", "Identity_1"],
  pose_landmark_full: ["Identity", "Identity_1", "Identity_2", "Identity_4"],
};

// Runs in the page: builds the input tensor of a case from the loaded photo.
function pageBuildInput(c) {
  const img = document.getElementById("photo");
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = c.size;
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = "high";
  g.fillStyle = "#000";
  g.fillRect(0, 0, c.size, c.size);
  if (c.name === "detector_offcentre") {
    const scene = document.createElement("canvas");
    scene.width = 640; scene.height = 400;
    const s = scene.getContext("2d");
    s.imageSmoothingEnabled = true; s.imageSmoothingQuality = "high";
    s.fillStyle = "#d4d4d4";
    s.fillRect(0, 0, 640, 400);
    s.drawImage(img, 380, 150, 205, 205);             // 40% of 512, right of centre and low
    const h = Math.round(400 * c.size / 640);         // letterbox: keep the aspect, bars top and bottom
    g.drawImage(scene, 0, Math.round((c.size - h) / 2), c.size, h);
  } else if (c.name === "landmark_rotated") {
    g.translate(c.size / 2, c.size / 2);
    g.rotate(15 * Math.PI / 180);
    g.scale(c.size / 440, c.size / 440);
    g.translate(-220, -300);
    g.drawImage(img, 0, 0);
  } else {
    g.drawImage(img, 0, 0, c.size, c.size);
  }
  const rgba = g.getImageData(0, 0, c.size, c.size).data;
  const out = new Float32Array(c.size * c.size * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4) {
    for (let k = 0; k < 3; k++, j++) {
      out[j] = c.range === "zero1" ? rgba[i + k] / 255 : rgba[i + k] / 127.5 - 1;
    }
  }
  return Array.from(out);
}

// Runs in the page: loads each model once with the TFLite WASM runtime and runs its cases.
async function pageRun({ cases, inputs, keep }) {
  tflite.setWasmPath("/nm/@tensorflow/tfjs-tflite/wasm/");
  const models = {};
  const results = {};
  for (const c of cases) {
    if (!models[c.model]) models[c.model] = await tflite.loadTFLiteModel(`/models/${c.model}.tflite`, { numThreads: 1 });
    const model = models[c.model];
    const input = tf.tensor(inputs[c.name], [1, c.size, c.size, 3], "float32");
    let out = model.predict(input);
    // predict gives a Tensor for one output, else tensors by output name (or in order).
    if (out instanceof tf.Tensor) out = { [model.outputs[0].name]: out };
    else if (Array.isArray(out)) out = Object.fromEntries(out.map((t, i) => [model.outputs[i].name, t]));
    const r = {};
    for (const name of keep[c.model]) {
      if (!out[name]) throw new Error(`${c.model} has no output ${name}: ${Object.keys(out)}`);
      r[name] = { shape: out[name].shape, data: Array.from(out[name].dataSync()) };
    }
    results[c.name] = r;
    input.dispose();
  }
  return results;
}

function startServer(routes) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split("?")[0]);
    if (url === "/") {
      res.setHeader("content-type", "text/html");
      return res.end('<!doctype html><html><body><img id="photo" src="/photo.png"></body></html>');
    }
    for (const [prefix, serve] of routes) {
      if (url.startsWith(prefix)) {
        const body = serve(url.slice(prefix.length));
        if (body) {
          const type = url.endsWith(".js") ? "text/javascript" : url.endsWith(".wasm") ? "application/wasm"
            : url.endsWith(".png") ? "image/png" : "application/octet-stream";
          res.setHeader("content-type", type);
          return res.end(body);
        }
      }
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function writeGzFloat32(file, values) {
  const raw = Buffer.from(new Float32Array(values).buffer);   // little-endian on every platform node runs on
  fs.writeFileSync(file, zlib.gzipSync(raw, { level: 9 }));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(args.modules, "noop.js"));
  const { chromium } = require("playwright-core");
  const versionOf = (name) => JSON.parse(fs.readFileSync(path.join(args.modules, name, "package.json"), "utf8")).version;
  const poseVersion = JSON.parse(fs.readFileSync(path.join(args.package, "package.json"), "utf8")).version;

  const modelBytes = {
    pose_detection: sliceDetector(args.package),
    pose_landmark_full: fs.readFileSync(path.join(args.package, "pose_landmark_full.tflite")),
  };
  const inside = (dir, rel) => {
    const file = path.join(dir, rel);
    return file.startsWith(dir + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : null;
  };
  const server = await startServer([
    ["/nm/", (rel) => inside(args.modules, rel)],
    ["/models/", (rel) => modelBytes[rel.replace(/\.tflite$/, "")] ?? null],
    ["/photo.png", () => fs.readFileSync(args.photo)],
  ]);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: args.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    page.on("console", (m) => console.log("page:", m.text()));
    await page.goto(base + "/");
    await page.waitForFunction(() => document.getElementById("photo").complete);
    for (const s of ["@tensorflow/tfjs-core/dist/tf-core.min.js", "@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js",
      "@tensorflow/tfjs-tflite/dist/tf-tflite.min.js"]) {
      await page.addScriptTag({ url: `${base}/nm/${s}` });
    }
    const inputs = {};
    for (const c of CASES) inputs[c.name] = await page.evaluate(pageBuildInput, c);
    const results = await page.evaluate(pageRun, { cases: CASES, inputs, keep: KEEP });

    fs.mkdirSync(args.out, { recursive: true });
    const index = {
      about: "Reference tensors for TryOn's BlazePose conversion: the original TFLite models run by the TFLite " +
        "runtime (WASM) on these inputs. Each file is gzip-compressed little-endian float32, row-major (NHWC). " +
        "Made by models/reference/make_pose_reference.mjs; see models/reference/README.md.",
      runtime: `@tensorflow/tfjs-tflite ${versionOf("@tensorflow/tfjs-tflite")} (numThreads 1), tfjs-core ` +
        `${versionOf("@tensorflow/tfjs-core")}, headless Chromium via playwright-core ${versionOf("playwright-core")}`,
      package: `@mediapipe/pose ${poseVersion}`,
      photo: "person-astronaut.png (NASA, public domain)",
      models: Object.fromEntries(Object.entries(modelBytes).map(([k, v]) => [k, { tflite_sha256: sha256(v), bytes: v.length }])),
      cases: [],
    };
    for (const c of CASES) {
      const entry = { name: c.name, model: c.model, about: c.about, inputs: {}, outputs: {} };
      const inFile = `${c.name}.input_1.f32.gz`;
      writeGzFloat32(path.join(args.out, inFile), inputs[c.name]);
      entry.inputs.input_1 = { file: inFile, shape: [1, c.size, c.size, 3] };
      for (const [name, t] of Object.entries(results[c.name])) {
        const file = `${c.name}.${name}.f32.gz`;
        writeGzFloat32(path.join(args.out, file), t.data);
        entry.outputs[name] = { file, shape: t.shape };
      }
      index.cases.push(entry);
      console.log(c.name, Object.entries(entry.outputs).map(([k, v]) => `${k}${JSON.stringify(v.shape)}`).join(" "));
    }
    fs.writeFileSync(path.join(args.out, "index.json"), JSON.stringify(index, null, 2) + "\n");
    console.log(`wrote ${args.out}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
