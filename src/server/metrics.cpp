#include "server/metrics.h"

#include <cmath>
#include <cstdio>

namespace es::server {
namespace {

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string LabelText(const Labels& labels, const std::string& extra_key = {}, const std::string& extra_value = {}) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += out.empty() ? "{" : ",";
    out += k + "=\"" + Escape(v) + "\"";
  }
  if (!extra_key.empty()) {
    out += out.empty() ? "{" : ",";
    out += extra_key + "=\"" + Escape(extra_value) + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

// Integral values as JSON integers (counters), others as numbers.
Json JsonValue(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) return static_cast<int64_t>(v);
  return v;
}

}  // namespace

bool MetricsRegistry::Visible(const Labels& labels, const std::string& tenant_filter) {
  if (tenant_filter.empty()) return true;
  auto it = labels.find("tenant");
  return it != labels.end() && it->second == tenant_filter;
}

void MetricsRegistry::Describe(const std::string& name, const std::string& type, const std::string& help,
                               std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  if (!f.help.empty()) return;
  f.type = type;
  f.help = help;
  f.buckets = std::move(buckets);
}

void MetricsRegistry::Add(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard lock(mu_);
  families_[name].values[labels] += delta;
}

void MetricsRegistry::Set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  families_[name].values[labels] = value;
}

void MetricsRegistry::Observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  Hist& h = f.hists[labels];
  if (h.counts.size() != f.buckets.size()) h.counts.assign(f.buckets.size(), 0);
  for (size_t i = 0; i < f.buckets.size(); ++i) {
    if (value <= f.buckets[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += value;
}

double MetricsRegistry::Value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto v = f->second.values.find(labels);
  return v == f->second.values.end() ? 0 : v->second;
}

std::string MetricsRegistry::RenderPrometheus(const std::string& tenant_filter) const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + (f.help.empty() ? name : f.help) + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values) {
      if (!Visible(labels, tenant_filter)) continue;
      out += name + LabelText(labels) + " " + Number(v) + "\n";
    }
    for (const auto& [labels, h] : f.hists) {
      if (!Visible(labels, tenant_filter)) continue;
      int64_t cumulative = 0;
      for (size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += i < h.counts.size() ? h.counts[i] : 0;
        out += name + "_bucket" + LabelText(labels, "le", Number(f.buckets[i])) + " " + std::to_string(cumulative) +
               "\n";
      }
      out += name + "_bucket" + LabelText(labels, "le", "+Inf") + " " + std::to_string(h.count) + "\n";
      out += name + "_sum" + LabelText(labels) + " " + Number(h.sum) + "\n";
      out += name + "_count" + LabelText(labels) + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

Json MetricsRegistry::RenderJson(const std::string& tenant_filter) const {
  std::lock_guard lock(mu_);
  Json out = Json::object();
  for (const auto& [name, f] : families_) {
    Json series = Json::array();
    for (const auto& [labels, v] : f.values) {
      if (!Visible(labels, tenant_filter)) continue;
      Json l = Json::object();
      for (const auto& [k, lv] : labels) l[k] = lv;
      series.push_back({{"labels", l}, {"value", JsonValue(v)}});
    }
    for (const auto& [labels, h] : f.hists) {
      if (!Visible(labels, tenant_filter)) continue;
      Json l = Json::object();
      for (const auto& [k, lv] : labels) l[k] = lv;
      Json buckets = Json::object();
      int64_t cumulative = 0;
      for (size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += i < h.counts.size() ? h.counts[i] : 0;
        buckets[Number(f.buckets[i])] = cumulative;
      }
      buckets["+Inf"] = h.count;
      series.push_back({{"labels", l}, {"count", h.count}, {"sum", JsonValue(h.sum)}, {"buckets", buckets}});
    }
    if (!series.empty()) out[name] = series;
  }
  return out;
}

}  // namespace es::server
