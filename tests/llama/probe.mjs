// The llama.cpp judge: asks the real llama.cpp runtime (node-llama-cpp 3.22.1's prebuilt CPU build) and the
// reference Hugging Face tokenizer (@huggingface/tokenizers) about a GGUF file and a tokenizer folder.
// The C++ tests run it as a subprocess (tests/llama/support/LlamaProbe).
//
// Input: one JSON request on stdin (or as the first argument). Output: one JSON answer on stdout. Failures: a
// message on stderr and exit 1 (2 for a malformed request). A model that llama.cpp refuses to load is an answer,
// not a failure: {"load": {"loaded": false, "error": <llama.cpp's own error lines>}}.
//
// Request fields (each optional, answered in the field of the same name):
//   "model": "x.gguf"                  the GGUF the model questions are about
//   "load": true                       -> {loaded, error?, architecture, vocabSize, addBos, addEos, bos, eos,
//                                          vocabularyType, trainContextSize, embeddingSize, warnings, log,
//                                          metadata {key: value}, tensors [{name, shape, type}]}
//   "tokenize": [{"text", "special"?: false, "addBos"?: <model's add_bos>}]
//                                      -> [[id, ...], ...] with llama.cpp's tokenizer (BOS prepended when addBos)
//   "evaluate": [[id, ...] | {"text", "special"?, "addBos"?}, ...]
//                                      -> [{"tokens": [id, ...], "logits": [one float per vocabulary entry]}, ...]:
//                                          llama.cpp's raw next-token logits after the last id of each sequence,
//                                          each sequence evaluated from an empty context; a text is first tokenized
//                                          by llama.cpp as "tokenize" does, so one run loads, tokenizes and evaluates
//   "models": [{"model", "load"?, "tokenize"?, "evaluate"?}, ...]
//                                      -> [{"load"?, "tokenize"?, "evaluate"?}, ...]: the same questions about
//                                          several GGUF files in one run (llama.cpp is set up once, ~2 s of the
//                                          run's time), answered in order
//   "tokenizer": "DIR"                 a Hugging Face tokenizer folder (tokenizer.json + tokenizer_config.json)
//   "hfTokenize": [{"text", "addSpecialTokens"?: false}]  -> [[id, ...], ...] with @huggingface/tokenizers
//   "version": true                    -> {"nodeLlamaCpp", "llamaCpp"}
//   "kvCacheType": "F32"               KV cache type of the evaluation context (llama.cpp's default is F16, which
//                                      rounds keys and values; F32 keeps the comparison with an fp32 reference tight)
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";

class RequestError extends Error {}

function readRequest() {
    const text = process.argv.length > 2 ? process.argv[2] : readFileSync(0, "utf8");
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new RequestError(`the request is not JSON: ${error.message}`);
    }
}

// GGUF 64-bit integers come back as BigInt, which JSON cannot carry.
function toJson(value) {
    return JSON.stringify(value, (key, v) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
}

// node-llama-cpp nests GGUF keys by their dots; the tests want them as written in the file.
function flatten(object, prefix, out) {
    for (const [key, value] of Object.entries(object)) {
        const name = prefix === "" ? key : `${prefix}.${key}`;
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            flatten(value, name, out);
        } else {
            out[name] = value;
        }
    }
    return out;
}

async function loadLlama(log) {
    const {getLlama, LlamaLogLevel} = await import("node-llama-cpp");
    // Never build or download: the prebuilt CPU binary installed by scripts/install-llama.sh, or a clear failure.
    return getLlama({
        gpu: false,
        build: "never",
        maxThreads: 1,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => log.push({level, message: message.trimEnd()}),
    });
}

// llama.cpp's own verdict on a file, through its addon (as LlamaModel does internally), with its error lines
// ("gguf_init_from_reader: ...", "llama_model_load: error loading model: ...") when it refuses it.
async function llamaCppVerdict(llama, file, log) {
    const first = log.length;
    let loaded = false;
    try {
        const native = new llama._bindings.AddonModel(path.resolve(file), {
            addonExports: llama._bindings, gpuLayers: 0, useMmap: false, checkTensors: true,
        });
        loaded = await native.init();
        if (loaded) {
            await native.dispose();
        }
    } catch (nativeError) {
        log.push({level: "error", message: nativeError.message});
    }
    if (loaded) {
        return {loaded};
    }
    // llama.cpp's log lines reach JavaScript asynchronously (a thread-safe function), so the last ones may still
    // be queued when init() has answered: wait (bounded) for the loader's final "failed to load model" line.
    const ours = () => log.slice(first);
    const loaderGaveUp = () => ours().some((entry) => /failed to load model/.test(entry.message));
    for (let waited = 0; !loaderGaveUp() && waited < 2000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lines = ours().filter((entry) => entry.level === "error").map((entry) => entry.message);
    return {loaded, error: lines.length === 0 ? "llama.cpp did not load the model and gave no reason" : lines.join("\n")};
}

async function loadModel(llama, file, log) {
    // llama.cpp's verdict first: node-llama-cpp's loadModel reads the file with its own JavaScript GGUF parser
    // before llama.cpp sees it, and its exception only says that loading failed. Asking llama.cpp once, before
    // node-llama-cpp loads the file, also keeps the asynchronous log lines of one attempt from mixing with another's.
    const verdict = await llamaCppVerdict(llama, file, log);
    if (!verdict.loaded) {
        return {error: verdict.error};
    }
    try {
        return {model: await llama.loadModel({modelPath: path.resolve(file), gpuLayers: 0, useMmap: false})};
    } catch (error) {
        return {error: `llama.cpp loads the file, but node-llama-cpp cannot read it: ${error.message}`};
    }
}

function describe(model, log) {
    const info = model.fileInfo;
    const tokens = model.tokens;
    return {
        loaded: true,
        architecture: info.metadata.general?.architecture ?? null,
        vocabSize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? null,
        addBos: tokens.shouldPrependBosToken,
        addEos: tokens.shouldAppendEosToken,
        bos: tokens.bos,
        eos: tokens.eos,
        eot: tokens.eot,
        vocabularyType: model.vocabularyType,
        trainContextSize: model.trainContextSize,
        embeddingSize: model.embeddingVectorSize,
        warnings: model.getWarnings(),
        log: log.map((entry) => `${entry.level}: ${entry.message}`),
        metadata: flatten(info.metadata, "", {}),
        tensors: (info.fullTensorInfo ?? info.tensorInfo ?? []).map((t) => ({name: t.name, shape: t.dimensions, type: t.ggmlType})),
    };
}

function tokenizeOne(model, item) {
    if (item === null || typeof item !== "object" || typeof item.text !== "string") {
        throw new RequestError("every tokenize item needs a \"text\" string");
    }
    const ids = model.tokenize(item.text, item.special === true);
    const addBos = item.addBos ?? model.tokens.shouldPrependBosToken;
    if (addBos) {
        if (model.tokens.bos == null) {
            throw new Error("addBos was asked for, but the model has no BOS token");
        }
        ids.unshift(model.tokens.bos);
    }
    return ids;
}

function tokenize(model, items) {
    if (!Array.isArray(items)) {
        throw new RequestError("\"tokenize\" must be an array of {\"text\"} items");
    }
    return items.map((item) => tokenizeOne(model, item));
}

async function evaluate(model, requested, kvCacheType) {
    if (!Array.isArray(requested)) {
        throw new RequestError("\"evaluate\" must be an array of token id arrays or {\"text\"} items");
    }
    const sequences = requested.map((entry) => (Array.isArray(entry) ? entry : tokenizeOne(model, entry)));
    const longest = Math.max(1, ...sequences.map((s) => s.length));
    const context = await model.createContext({
        contextSize: Math.ceil((longest + 1) / 256) * 256,
        batchSize: Math.max(longest, 32),
        sequences: 1,
        threads: 1,
        flashAttention: false,
        experimentalKvCacheKeyType: kvCacheType,
        experimentalKvCacheValueType: kvCacheType,
        ignoreMemorySafetyChecks: true,
    });
    try {
        const sequence = context.getSequence();
        const answers = [];
        for (const ids of sequences) {
            if (!Array.isArray(ids) || ids.length === 0 || !ids.every(Number.isInteger)) {
                throw new RequestError("every evaluate sequence must be a non-empty array of token ids");
            }
            await sequence.clearHistory();
            // With no sampling options the sampler chain is greedy only, so the logits are llama.cpp's raw
            // output row (llama_get_logits_ith), one per vocabulary entry.
            const input = ids.map((id, i) => (i === ids.length - 1 ? [id, {generateNext: {logits: true}}] : id));
            const output = await sequence.controlledEvaluate(input);
            const logitsMap = output[ids.length - 1]?.next?.logits;
            if (logitsMap == null) {
                throw new Error("llama.cpp returned no logits for the last token");
            }
            const logits = new Array(logitsMap.size);
            for (const [token, logit] of logitsMap) {
                logits[token] = logit;
            }
            answers.push({tokens: ids, logits});
        }
        return answers;
    } finally {
        await context.dispose();
    }
}

async function hfTokenize(folder, items) {
    const {Tokenizer} = await import("@huggingface/tokenizers");
    const readJson = (name, required) => {
        try {
            return JSON.parse(readFileSync(path.join(folder, name), "utf8"));
        } catch (error) {
            if (!required && error.code === "ENOENT") {
                return {};
            }
            throw new Error(`cannot read ${path.join(folder, name)}: ${error.message}`);
        }
    };
    const tokenizer = new Tokenizer(readJson("tokenizer.json", true), readJson("tokenizer_config.json", false));
    return items.map((item) => tokenizer.encode(item.text, {add_special_tokens: item.addSpecialTokens === true}).ids);
}

// The model questions of `questions` ({model, load?, tokenize?, evaluate?}) about one GGUF file.
async function askModel(llama, questions, kvCacheType, log) {
    if (typeof questions.model !== "string") {
        throw new RequestError("\"model\" (a GGUF path) is needed for load, tokenize and evaluate");
    }
    log.length = 0; // each model's load log is its own
    const {model, error} = await loadModel(llama, questions.model, log);
    const answer = {};
    if (model == null) {
        if (questions.load && !questions.tokenize && !questions.evaluate) {
            answer.load = {loaded: false, error};
            return answer;
        }
        throw new Error(`llama.cpp cannot load ${questions.model}:\n${error}`);
    }
    try {
        if (questions.load) {
            answer.load = describe(model, log);
        }
        if (questions.tokenize) {
            answer.tokenize = tokenize(model, questions.tokenize);
        }
        if (questions.evaluate) {
            answer.evaluate = await evaluate(model, questions.evaluate, kvCacheType);
        }
    } finally {
        await model.dispose();
    }
    return answer;
}

async function main() {
    const request = readRequest();
    const answer = {};
    const log = [];
    let llama = null;
    const runtime = async () => (llama ??= await loadLlama(log));
    const kvCacheType = request.kvCacheType ?? "F32";
    if (request.version) {
        const require = createRequire(import.meta.url);
        answer.version = {nodeLlamaCpp: JSON.parse(readFileSync(path.join(path.dirname(require.resolve("node-llama-cpp")), "..", "package.json"), "utf8")).version, llamaCpp: (await runtime()).llamaCppRelease.release};
    }
    if (request.load || request.tokenize || request.evaluate) {
        Object.assign(answer, await askModel(await runtime(), request, kvCacheType, log));
    }
    if (request.models !== undefined) {
        if (!Array.isArray(request.models)) {
            throw new RequestError("\"models\" must be an array of {\"model\", ...} questions");
        }
        answer.models = [];
        for (const questions of request.models) {
            if (questions === null || typeof questions !== "object") {
                throw new RequestError("every \"models\" entry must be an object with a \"model\"");
            }
            answer.models.push(await askModel(await runtime(), questions, kvCacheType, log));
        }
    }
    if (request.hfTokenize) {
        if (typeof request.tokenizer !== "string") {
            throw new RequestError("\"tokenizer\" (a folder) is needed for hfTokenize");
        }
        answer.hfTokenize = await hfTokenize(request.tokenizer, request.hfTokenize);
    }
    process.stdout.write(toJson(answer) + "\n");
}

try {
    await main();
} catch (error) {
    process.stderr.write(`probe: ${error instanceof RequestError ? "bad request: " : ""}${error.message}\n`);
    process.exitCode = error instanceof RequestError ? 2 : 1;
}
