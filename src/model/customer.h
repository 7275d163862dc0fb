// Canonical customer. `source_id` is the id in the system the record came
// from (for WooCommerce guests, who have no customer id, the connector
// derives a stable id from the billing email: "guest:<email>").
#pragma once

#include <cstdint>
#include <string>

#include "model/address.h"

namespace es::model {

struct Customer {
  std::string source_id;
  bool is_guest = false;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string username;
  Address billing;
  Address shipping;
  int64_t created_at_ms = 0;
  int64_t modified_at_ms = 0;
  bool operator==(const Customer&) const = default;
};

}  // namespace es::model
