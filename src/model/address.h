// Postal address and contact details shared by customers and orders.
#pragma once

#include <string>

namespace es::model {

struct Address {
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string line1;
  std::string line2;
  std::string city;
  std::string state;     // region / state code ("TX")
  std::string postcode;
  std::string country;   // ISO 3166-1 alpha-2 as the source gives it ("US")
  std::string email;     // billing only
  std::string phone;
  bool Empty() const {
    return first_name.empty() && last_name.empty() && company.empty() && line1.empty() &&
           city.empty() && postcode.empty() && country.empty() && email.empty();
  }
  bool operator==(const Address&) const = default;
};

}  // namespace es::model
