#include "deepext/ollama/ModelfileParser.h"

#include "deepext/base/Error.h"
#include "deepext/ollama/DeploymentTemplate.h"

#include <gtest/gtest.h>

using deepext::Error;
using deepext::ollama::DeploymentTemplate;
using deepext::ollama::ModelfileParser;
using nlohmann::json;

namespace {

// The message of the deepext::Error `body` throws, or "" when it throws none.
template <typename F>
std::string errorOf(F&& body)
{
    try {
        body();
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

} // namespace

TEST(ModelfileParser, Instructions)
{
    const auto commands = ModelfileParser::parse("FROM llama3\n"
                                                 "# a comment\n"
                                                 "\n"
                                                 "  system You are   terse.  \n"
                                                 "PARAMETER temperature 0.7\n"
                                                 "Message user hi there\n"
                                                 "license MIT\n");
    ASSERT_EQ(commands.size(), 5u);
    EXPECT_EQ(commands[0].instruction, "from");
    EXPECT_EQ(commands[0].value, "llama3");
    EXPECT_EQ(commands[0].line, 1);
    EXPECT_EQ(commands[1].instruction, "system");
    EXPECT_EQ(commands[1].value, "You are   terse.");
    EXPECT_EQ(commands[1].line, 4);
    EXPECT_EQ(commands[2].instruction, "parameter");
    EXPECT_EQ(commands[2].key, "temperature");
    EXPECT_EQ(commands[2].value, "0.7");
    EXPECT_EQ(commands[3].instruction, "message");
    EXPECT_EQ(commands[3].key, "user");
    EXPECT_EQ(commands[3].value, "hi there");
    EXPECT_EQ(commands[4].value, "MIT");
}

TEST(ModelfileParser, Quotes)
{
    const auto commands = ModelfileParser::parse("TEMPLATE \"\"\"{{ .System }}\n"
                                                 "USER: \"{{ .Prompt }}\"\n"
                                                 "ASSISTANT: \"\"\"\n"
                                                 "SYSTEM \" spaced \"\n"
                                                 "SYSTEM \"two\n"
                                                 "lines\"\n"
                                                 "SYSTEM \"\"\n"
                                                 "SYSTEM \"\"\"\"\"\"\n"
                                                 "SYSTEM 'single' # not a comment\n"
                                                 "TEMPLATE\t\"\"\"a\"\"\"\n");
    ASSERT_EQ(commands.size(), 7u);
    EXPECT_EQ(commands[0].value, "{{ .System }}\nUSER: \"{{ .Prompt }}\"\nASSISTANT: ");
    EXPECT_EQ(commands[1].value, " spaced ");
    EXPECT_EQ(commands[1].line, 4);
    EXPECT_EQ(commands[2].value, "two\nlines");
    EXPECT_EQ(commands[2].line, 5);
    EXPECT_EQ(commands[3].value, "");
    EXPECT_EQ(commands[4].value, "");
    EXPECT_EQ(commands[5].value, "'single' # not a comment");
    EXPECT_EQ(commands[5].line, 9);
    EXPECT_EQ(commands[6].value, "a");
}

TEST(ModelfileParser, CrLfAndBom)
{
    const auto commands =
        ModelfileParser::parse("\xEF\xBB\xBFSYSTEM hi\r\nTEMPLATE \"\"\"a\r\nb\"\"\"\r\nSYSTEM x\r\n");
    ASSERT_EQ(commands.size(), 3u);
    EXPECT_EQ(commands[0].value, "hi");
    EXPECT_EQ(commands[1].value, "a\r\nb"); // as Ollama: \r stays inside a multi-line value
    EXPECT_EQ(commands[2].line, 4);
}

TEST(ModelfileParser, Utf16Bom)
{
    const std::string text("\xFF\xFE"
                           "S\0Y\0S\0T\0E\0M\0 \0h\0i\0",
                           20);
    const auto commands = ModelfileParser::parse(text);
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].value, "hi");
}

TEST(ModelfileParser, ErrorsNameTheLine)
{
    EXPECT_EQ(errorOf([] { ModelfileParser::parse("SYSTEM a\nBOGUS x\n"); }).rfind("line 2: unknown instruction", 0),
              0u);
    EXPECT_EQ(errorOf([] {
                  ModelfileParser::parse("SYSTEM a\n\nTEMPLATE \"\"\"open\nmore\n");
              }).rfind("line 3: the value of TEMPLATE opens a quote that is never closed", 0),
              0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::parse("PARAMETER stop\n"); }), "line 1: PARAMETER stop needs a value");
    EXPECT_EQ(errorOf([] { ModelfileParser::parse("PARAMETER stop"); }), "line 1: PARAMETER stop needs a value");
    EXPECT_EQ(errorOf([] { ModelfileParser::parse("SYSTEM\n"); }), "line 1: SYSTEM needs a value on the same line");
    EXPECT_EQ(errorOf([] {
                  ModelfileParser::parse("MESSAGE robot hi\n");
              }).rfind("line 1: message role must be one of \"system\", \"user\", or \"assistant\"", 0),
              0u);
    const std::string stray = errorOf([] { ModelfileParser::parse("TEMPLATE {{ .System }}\n{{ .Prompt }}\n"); });
    EXPECT_EQ(stray.rfind("line 2: expected an instruction", 0), 0u) << stray;
    EXPECT_NE(stray.find("{{ .Prompt }}"), std::string::npos);
}

TEST(ModelfileParser, ParameterTyping)
{
    EXPECT_EQ(ModelfileParser::typeParameter("num_ctx", "4096").value, json(4096));
    EXPECT_TRUE(ModelfileParser::typeParameter("num_ctx", "4096").value.is_number_integer());
    EXPECT_EQ(ModelfileParser::typeParameter("seed", "-1").value, json(-1));
    EXPECT_EQ(ModelfileParser::typeParameter("top_k", "+5").value, json(5));
    EXPECT_DOUBLE_EQ(ModelfileParser::typeParameter("temperature", "0.7").value.get<double>(), 0.7);
    EXPECT_TRUE(ModelfileParser::typeParameter("temperature", "1").value.is_number_float());
    EXPECT_DOUBLE_EQ(ModelfileParser::typeParameter("top_p", "1e-1").value.get<double>(), 0.1);
    EXPECT_EQ(ModelfileParser::typeParameter("use_mmap", "true").value, json(true));
    EXPECT_EQ(ModelfileParser::typeParameter("use_mmap", "F").value, json(false));
    EXPECT_EQ(ModelfileParser::typeParameter("stop", "<|eot_id|>").value, json::array({"<|eot_id|>"}));
}

TEST(ModelfileParser, ParameterErrorsUseOllamasWords)
{
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("Temperature", "1"); }), "unknown parameter 'Temperature'");
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("num_ctx", "4k"); }).rfind("invalid int value [4k]", 0), 0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("num_ctx", "1.5"); }).rfind("invalid int value [1.5]", 0),
              0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("top_p", "high"); }).rfind("invalid float value [high]", 0),
              0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("top_p", "nan"); }).rfind("invalid float value", 0), 0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("top_p", "1e39"); }).rfind("invalid float value", 0), 0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::typeParameter("use_mmap", "yes"); }).rfind("invalid bool value [yes]", 0),
              0u);
}

TEST(ModelfileParser, DeprecatedParameterIsDroppedWithAWarning)
{
    const auto assignment = ModelfileParser::typeParameter("mirostat", "2");
    EXPECT_TRUE(assignment.value.is_null());
    EXPECT_FALSE(assignment.warning.empty());
}

TEST(ModelfileParser, ParameterAssignment)
{
    auto a = ModelfileParser::parseParameterAssignment("temperature=0.2");
    EXPECT_EQ(a.key, "temperature");
    EXPECT_DOUBLE_EQ(a.value.get<double>(), 0.2);
    a = ModelfileParser::parseParameterAssignment("stop=\"a=b \"");
    EXPECT_EQ(a.value, json::array({"a=b "}));
    a = ModelfileParser::parseParameterAssignment(" num_ctx = 8192 ");
    EXPECT_EQ(a.value, json(8192));
    EXPECT_EQ(errorOf([] { ModelfileParser::parseParameterAssignment("temperature"); }).rfind("invalid parameter", 0),
              0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::parseParameterAssignment("=3"); }).rfind("invalid parameter", 0), 0u);
    EXPECT_EQ(errorOf([] { ModelfileParser::parseParameterAssignment("bogus=3"); }), "unknown parameter 'bogus'");
    try {
        ModelfileParser::parseParameterAssignment("num_ctx=x");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), Error::Kind::Usage);
    }
}

TEST(ModelfileParser, AddParameterCollectsStops)
{
    json parameters = json::object();
    ModelfileParser::addParameter(parameters, "stop", json::array({"a"}));
    ModelfileParser::addParameter(parameters, "stop", json::array({"b"}));
    ModelfileParser::addParameter(parameters, "temperature", 0.5);
    ModelfileParser::addParameter(parameters, "temperature", 0.25);
    ModelfileParser::addParameter(parameters, "mirostat", nullptr);
    EXPECT_EQ(parameters, json::parse(R"({"stop":["a","b"],"temperature":0.25})"));
}

TEST(DeploymentTemplate, DetectsTheForm)
{
    using Form = DeploymentTemplate::Form;
    EXPECT_EQ(DeploymentTemplate::detectForm(""), Form::Empty);
    EXPECT_EQ(DeploymentTemplate::detectForm("\n  \n# only a comment\n"), Form::Empty);
    EXPECT_EQ(DeploymentTemplate::detectForm("{{ .Prompt }}"), Form::Bare);
    EXPECT_EQ(DeploymentTemplate::detectForm("### Instruction:\n{{ .Prompt }}\n### Response:\n"), Form::Bare);
    EXPECT_EQ(DeploymentTemplate::detectForm("System: {{ .System }}"), Form::Bare);
    EXPECT_EQ(DeploymentTemplate::detectForm("TEMPLATEx {{ .Prompt }}"), Form::Bare);
    EXPECT_EQ(DeploymentTemplate::detectForm("template"), Form::Bare);
    EXPECT_EQ(DeploymentTemplate::detectForm("# header\n\ntemplate \"\"\"{{ .Prompt }}\"\"\""), Form::Modelfile);
    EXPECT_EQ(DeploymentTemplate::detectForm("Parameter\tnum_ctx 4096"), Form::Modelfile);
    EXPECT_EQ(DeploymentTemplate::detectForm("FROM x\n"), Form::Modelfile);
}

TEST(DeploymentTemplate, BareTemplateIsSentVerbatim)
{
    const std::string text = "### Instruction:\n{{ .Prompt }}\n\n### Response:\n";
    const auto parsed = DeploymentTemplate::parse(text);
    EXPECT_EQ(parsed.form, DeploymentTemplate::Form::Bare);
    ASSERT_TRUE(parsed.templateText.has_value());
    EXPECT_EQ(*parsed.templateText, text);
    EXPECT_FALSE(parsed.system.has_value());
    EXPECT_TRUE(parsed.parameters.empty());
}

TEST(DeploymentTemplate, ModelfileFragment)
{
    const auto parsed = DeploymentTemplate::parse(R"(# Llama 3 chat
FROM ./somewhere
TEMPLATE """{{ if .System }}<|start_header_id|>system<|end_header_id|>

{{ .System }}<|eot_id|>{{ end }}{{ .Prompt }}"""
SYSTEM You are helpful.
PARAMETER stop <|eot_id|>
PARAMETER stop "<|end_of_text|>"
PARAMETER num_ctx 4096
PARAMETER temperature 0.6
PARAMETER use_mmap false
PARAMETER mirostat 1
LICENSE """Llama 3 license"""
LICENSE second
MESSAGE user Hello
MESSAGE assistant Hi!
ADAPTER ./x
)");
    EXPECT_EQ(parsed.form, DeploymentTemplate::Form::Modelfile);
    ASSERT_TRUE(parsed.templateText.has_value());
    EXPECT_EQ(*parsed.templateText, "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System "
                                    "}}<|eot_id|>{{ end }}{{ .Prompt }}");
    EXPECT_EQ(parsed.system.value_or(""), "You are helpful.");
    EXPECT_EQ(parsed.parameters["stop"], json::array({"<|eot_id|>", "<|end_of_text|>"}));
    EXPECT_EQ(parsed.parameters["num_ctx"], json(4096));
    EXPECT_TRUE(parsed.parameters["num_ctx"].is_number_integer());
    EXPECT_DOUBLE_EQ(parsed.parameters["temperature"].get<double>(), 0.6);
    EXPECT_EQ(parsed.parameters["use_mmap"], json(false));
    EXPECT_FALSE(parsed.parameters.contains("mirostat"));
    EXPECT_EQ(parsed.license, (std::vector<std::string>{"Llama 3 license", "second"}));
    EXPECT_EQ(parsed.messages, json::parse(R"([{"role":"user","content":"Hello"},
                                                {"role":"assistant","content":"Hi!"}])"));
    ASSERT_EQ(parsed.warnings.size(), 3u);
    EXPECT_EQ(parsed.warnings[0].rfind("line 2: FROM is ignored", 0), 0u);
    EXPECT_EQ(parsed.warnings[1].rfind("line 12: parameter mirostat is deprecated", 0), 0u);
    EXPECT_EQ(parsed.warnings[2].rfind("line 17: ADAPTER is ignored", 0), 0u);
}

TEST(DeploymentTemplate, FragmentWithoutTemplate)
{
    const auto parsed = DeploymentTemplate::parse("SYSTEM be brief\n");
    EXPECT_EQ(parsed.form, DeploymentTemplate::Form::Modelfile);
    EXPECT_FALSE(parsed.templateText.has_value());
    EXPECT_EQ(parsed.system.value_or(""), "be brief");
}

TEST(DeploymentTemplate, ParameterErrorsNameTheLine)
{
    EXPECT_EQ(errorOf([] {
                  DeploymentTemplate::parse("SYSTEM a\nPARAMETER num_ctx big\n");
              }).rfind("line 2: invalid int value [big]", 0),
              0u);
    EXPECT_EQ(errorOf([] { DeploymentTemplate::parse("\n\nPARAMETER nope 1\n"); }), "line 3: unknown parameter 'nope'");
}
