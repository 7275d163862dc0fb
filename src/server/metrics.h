// MetricsRegistry: in-process counters, gauges and histograms with labels,
// rendered as Prometheus text (exposition format 0.0.4) and as JSON
// (SPEC F12). Values count since the process started.
//
// Series whose labels include "tenant" belong to that tenant: renderers take
// a tenant filter so one tenant never sees another's series; an empty
// filter renders everything (the operator's metrics token). Label values
// are escaped; metric and label names are the caller's constants.
// Thread-safe (one mutex; updates are a map lookup and an add).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/json.h"

namespace es::server {

using Labels = std::map<std::string, std::string>;

class MetricsRegistry {
 public:
  // Declares a metric's help text and type ("counter", "gauge", "histogram").
  // Histograms use `buckets` (upper bounds, ascending). Redeclaring is a no-op.
  void Describe(const std::string& name, const std::string& type, const std::string& help,
                std::vector<double> buckets = {});

  void Add(const std::string& name, const Labels& labels, double delta = 1);
  void Set(const std::string& name, const Labels& labels, double value);
  void Observe(const std::string& name, const Labels& labels, double value);

  // Current value of a counter or gauge series (0 when absent); for tests.
  double Value(const std::string& name, const Labels& labels) const;

  // Prometheus text. tenant_filter non-empty: only series labelled with that
  // tenant (series without a tenant label are left out).
  std::string RenderPrometheus(const std::string& tenant_filter) const;
  // {"<name>": [{"labels":{…}, "value": v} | {"labels", "count", "sum", "buckets":{le: n}}], …}
  // with the same filter.
  Json RenderJson(const std::string& tenant_filter) const;

 private:
  struct Hist {
    std::vector<int64_t> counts;  // per bucket (cumulative at render time)
    int64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string type = "counter";
    std::string help;
    std::vector<double> buckets;
    std::map<Labels, double> values;
    std::map<Labels, Hist> hists;
  };
  static bool Visible(const Labels& labels, const std::string& tenant_filter);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;  // guarded by mu_
};

}  // namespace es::server
