#pragma once

#include "ExportPlanner.h"
#include "ModelConfig.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace deepext::gguf {

// The hyper-parameters of a model as the export planner read them from config.json and the tensors.
struct ModelDimensions
{
    std::uint64_t embedding = 0;
    std::uint64_t layers = 0;
    std::uint64_t heads = 0;
    std::uint64_t kvHeads = 0;
    std::uint64_t feedForward = 0;
    std::uint64_t headDim = 0;
    std::uint64_t vocabulary = 0;
};

// The metadata keys of an export other than the tokenizer's, written into `plan` as llama.cpp's converter writes
// them: general.* (name, size label, license, tags, generation_config.json's sampling defaults) and the
// architecture's hyper-parameters (TextModel, Gemma2Model and Phi3MiniModel set_gguf_parameters). `plan` must have
// its architecture, type and tensors; warnings go to plan.warnings, errors are deepext::Error naming config.json.
class ExportKeys
{
public:
    ExportKeys(const GgufExportRequest& request, const ModelConfig& config, const ModelDimensions& dimensions,
               const nlohmann::json& ropeParameters, ExportPlan& plan);

    void addGeneralKeys();
    void addArchitectureKeys();

private:
    std::uint32_t u32(std::uint64_t value, const std::string& key) const;
    std::string key(const std::string& suffix) const;
    void setU32(const std::string& suffix, std::uint64_t value);
    void setF32(const std::string& suffix, double value);
    void addSamplingKeys();
    void addTextModelKeys();
    void addGemma2Keys();
    void addPhi3Keys();

    const GgufExportRequest& m_request;
    const ModelConfig& m_config;
    const nlohmann::json& m_ropeParameters;
    ExportPlan& m_plan;
    const ModelDimensions m_dimensions;
};

} // namespace deepext::gguf
