#include "batch/output_stage.hpp"

#include <tbb/flow_graph.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

namespace pressreel::batch {

media::DecodePassOptions decode_pass_options(const Recipe& recipe, const media::InputPolicy& input, int decoder_threads) {
  media::DecodePassOptions pass;
  pass.decoder = recipe.decoder;
  pass.decoder.threads = decoder_threads;
  pass.input = input;
  pass.max_frames_in_flight = static_cast<size_t>(recipe.frames_in_flight);
  return pass;
}

std::vector<const OutputStage*> enabled_stages(const std::vector<std::unique_ptr<OutputStage>>& stages,
                                               const Recipe::Outputs& want) {
  std::vector<const OutputStage*> enabled;
  for (const auto& stage : stages) {
    if (stage->enabled(want)) enabled.push_back(stage.get());
  }
  for (const auto* stage : enabled) {
    for (const auto need : stage->needs()) {
      const bool found = std::any_of(enabled.begin(), enabled.end(), [&](const auto* s) { return s->name() == need; });
      if (!found) {
        throw std::logic_error(fmt::format("output stage '{}' needs '{}', which is not enabled", stage->name(), need));
      }
    }
  }
  return enabled;
}

namespace {

// The long-running stages and everything they need, directly or not.
std::set<std::string_view> on_long_path(const std::vector<const OutputStage*>& stages) {
  std::set<std::string_view> urgent;
  // Needs are listed before the stage that needs them: one walk from the back reaches them all.
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    if (!(*it)->long_running() && !urgent.contains((*it)->name())) continue;
    urgent.insert((*it)->name());
    for (const auto need : (*it)->needs()) urgent.insert(need);
  }
  return urgent;
}

}  // namespace

nlohmann::json run_stage_graph(const std::vector<const OutputStage*>& stages, const StageCall& call) {
  using tbb::flow::continue_msg;
  using Node = tbb::flow::continue_node<continue_msg>;
  nlohmann::json outputs = nlohmann::json::object();
  std::mutex outputs_mutex;

  tbb::flow::graph graph;
  tbb::flow::broadcast_node<continue_msg> start(graph);
  std::map<std::string_view, std::unique_ptr<Node>> nodes;
  const std::set<std::string_view> urgent = on_long_path(stages);
  // A stage may need only stages listed before it: the graph is built in one walk and has no cycle.
  for (const auto* stage : stages) {
    if (nodes.contains(stage->name())) throw std::logic_error(fmt::format("two output stages named '{}'", stage->name()));
    auto node = std::make_unique<Node>(
        graph,
        [&, stage](continue_msg) {
          nlohmann::json entries = call(*stage);
          const std::lock_guard lock(outputs_mutex);
          if (entries.is_object()) outputs.update(entries);
        },
        urgent.contains(stage->name()) ? tbb::flow::node_priority_t{1} : tbb::flow::no_priority);
    const auto needs = stage->needs();
    if (needs.empty()) tbb::flow::make_edge(start, *node);
    for (const auto need : needs) {
      const auto found = nodes.find(need);
      if (found == nodes.end()) {
        throw std::logic_error(fmt::format("output stage '{}' needs '{}', which is not listed before it", stage->name(), need));
      }
      tbb::flow::make_edge(*found->second, *node);
    }
    nodes[stage->name()] = std::move(node);
  }
  start.try_put(continue_msg());
  // A body that throws cancels the graph (stages not yet started never start) and wait_for_all
  // rethrows it here.
  graph.wait_for_all();
  return outputs;
}

}  // namespace pressreel::batch
