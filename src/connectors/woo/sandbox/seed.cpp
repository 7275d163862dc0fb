#include "connectors/woo/sandbox/seed.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "connectors/woo/sandbox/pricing.h"

namespace es::woo::sandbox {
namespace {

constexpr int64_t kDay = 86'400;

const std::vector<std::string> kFirst = {
    "Ann", "Bo", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal",
    "Karin", "Luis", "Mei", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tariq",
    "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoë", "José", "Siobhán", "Mary Ann", "D'Arcy"};
const std::vector<std::string> kLast = {
    "Lee", "O'Neil", "García", "Smith", "Müller", "Nguyen", "Johnson", "Kowalski", "Brown", "Rossi",
    "Dubois", "Tanaka", "Smith-Jones", "van der Berg", "Ahmed", "Okafor", "Silva", "Cohen", "Larsen", "Quote\"s"};
const std::vector<std::string> kCompanies = {
    "Lee & Sons", "Acme \"Best\" Co.", "O'Reilly's Pub", "Müller GmbH",
    "Robert'); DROP TABLE Customers;--", "50% Off Inc", "Back\\slash LLC", "Zeta Corp"};
const std::vector<std::string> kStreets = {"Main St", "Oak Ave", "Pine Rd", "Elm St", "High St", "Market St",
                                           "Baker St", "Sunset Blvd", "Lake Dr", "Mill Ln"};

struct Location {
  std::string country, state, city, postcode;
  int weight;
};
const std::vector<Location> kLocations = {
    {"US", "TX", "Austin", "78701", 20}, {"US", "CA", "San Francisco", "94103", 20},
    {"US", "NY", "New York", "10001", 15}, {"US", "WA", "Seattle", "98101", 12},
    {"US", "FL", "Miami", "33101", 10}, {"US", "OR", "Portland", "97201", 10},
    {"GB", "", "London", "SW1A 1AA", 13}};

struct SimpleSpec {
  std::string name;
  int64_t price;  // minor units
  std::string tax_class;
  std::string tax_status;
  bool is_virtual;
  int64_t category;
};
const std::vector<SimpleSpec> kSimple = {
    {"Widget", 999, "", "taxable", false, 10},
    {"Coffee Mug", 333, "", "taxable", false, 11},
    {"Notebook (A5)", 749, "zero-rate", "taxable", false, 12},
    {"Café Crème Pods", 1333, "reduced-rate", "taxable", false, 11},
    {"Gift Card", 2500, "", "none", true, 15},
    {"Candle 'Vanilla'", 1999, "", "taxable", false, 11},
    {"Steel Water Bottle", 2450, "", "taxable", false, 10},
    {"USB-C Cable 2m", 99, "", "taxable", false, 10},
    {"Tea Sampler", 1200, "reduced-rate", "taxable", false, 11},
    {"Desk Lamp", 4995, "", "taxable", false, 10},
    {"Poster 50×70", 1, "", "taxable", false, 15},
    {"E-Book: Baking 101", 899, "zero-rate", "taxable", true, 12},
    {"Sticker Pack", 125, "", "taxable", false, 15},
    {"Phone Case", 1499, "", "taxable", false, 10},
    {"Socks (3-pack)", 567, "", "taxable", false, 9},
    {"Chef's Knife", 15000, "", "taxable", false, 11},
    {"Board Game \"Quest\"", 2999, "", "taxable", false, 15},
    {"Cookbook", 3333, "zero-rate", "taxable", false, 12},
    {"Olive Oil 1L", 1789, "reduced-rate", "taxable", false, 11},
    {"Yoga Mat", 10001, "", "taxable", false, 10}};
const std::vector<SimpleSpec> kVariable = {
    {"Premium Tee", 1999, "", "taxable", false, 9}, {"Hoodie", 4500, "", "taxable", false, 9},
    {"Cap", 1250, "", "taxable", false, 9},         {"Running Shoes", 8999, "", "taxable", false, 9},
    {"Backpack", 5499, "", "taxable", false, 10}};
const std::vector<std::pair<int64_t, std::string>> kCategories = {
    {9, "Clothing"}, {10, "Accessories"}, {11, "Kitchen"}, {12, "Books"}, {15, "Uncategorized"}};
const std::vector<std::string> kColors = {"Black", "Green", "Red", "Navy"};
const std::vector<std::string> kSizes = {"S", "M", "L", "XL"};
const std::vector<std::string> kStatuses = {"pending", "processing", "on-hold", "completed",
                                            "cancelled", "refunded", "failed"};
const std::vector<int> kStatusWeights = {80, 220, 70, 430, 70, 60, 70};
const std::vector<std::string> kNotes = {
    "Please ring \"twice\" & leave at the door", "Gift — no invoice please", "<b>Fragile</b>",
    "Call me: +1 (555) 010-0199", "It's for Mum's birthday; wrap it?"};
const std::vector<std::string> kReasons = {"Damaged", "Customer changed mind", "", "Wrong size",
                                           "Late delivery"};
const std::vector<std::string> kAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15"};

std::string Slug(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
    else if (!out.empty() && out.back() != '-') out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string EmailPart(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c) && c < 128) out.push_back(static_cast<char>(std::tolower(c)));
  return out.empty() ? "x" : out;
}

const Location& PickLocation(Rng& rng) {
  int total = 0;
  for (const auto& l : kLocations) total += l.weight;
  int64_t r = rng.Range(0, total - 1);
  for (const auto& l : kLocations) {
    if (r < l.weight) return l;
    r -= l.weight;
  }
  return kLocations.front();
}

model::Address MakeAddress(Rng& rng, const std::string& first, const std::string& last, const std::string& email) {
  const Location& loc = PickLocation(rng);
  model::Address a;
  a.first_name = first;
  a.last_name = last;
  if (rng.Chance(150)) a.company = kCompanies[rng.Index(kCompanies.size())];
  a.line1 = std::to_string(rng.Range(1, 9999)) + " " + kStreets[rng.Index(kStreets.size())];
  if (rng.Chance(200)) a.line2 = "Apt " + std::to_string(rng.Range(1, 40));
  a.city = loc.city;
  a.state = loc.state;
  a.postcode = loc.postcode;
  a.country = loc.country;
  a.email = email;
  a.phone = rng.Chance(700) ? "555-01" + std::to_string(rng.Range(10, 99)) : "";
  return a;
}

model::Address ShippingFrom(const model::Address& billing) {
  model::Address s = billing;
  s.email.clear();
  return s;
}

std::vector<TaxRate> DefaultRates() {
  auto pct = [](int64_t hundredths) { return Decimal::FromUnits(hundredths * (Decimal::kOne / 100)); };
  return {
      {1, "US", "CA", "", "CA Tax", 1, pct(725), false},
      {2, "US", "TX", "", "State Tax", 1, pct(625), true},
      {3, "US", "NY", "", "NY State Tax", 1, pct(400), true},
      {4, "US", "NY", "", "NYC Tax", 2, pct(450), true},
      {5, "US", "WA", "", "WA Tax", 1, pct(700), true},
      {6, "US", "FL", "", "FL Tax", 1, pct(600), true},
      {7, "US", "", "reduced-rate", "Reduced Rate", 1, pct(250), false},
      {8, "US", "", "zero-rate", "Zero Rate", 1, pct(0), false},
      {9, "GB", "", "", "VAT", 1, pct(2000), true},
      {10, "GB", "", "reduced-rate", "Reduced VAT", 1, pct(500), true},
      {11, "GB", "", "zero-rate", "Zero VAT", 1, pct(0), true},
  };
}

std::map<std::string, Coupon> DefaultCoupons() {
  std::map<std::string, Coupon> c;
  c["save10"] = {"save10", "percent", Decimal::FromInt(10)};
  c["welcome15"] = {"welcome15", "percent", Decimal::FromInt(15)};
  c["fiver"] = {"fiver", "fixed_cart", Decimal::FromInt(5)};
  c["take250"] = {"take250", "fixed_cart", *Decimal::Parse("2.50")};
  return c;
}

void GenerateCustomers(StoreData& d, Rng& rng, int count) {
  for (int i = 0; i < count; ++i) {
    Customer c;
    c.id = d.next_user_id++;
    c.first_name = kFirst[rng.Index(kFirst.size())];
    c.last_name = kLast[rng.Index(kLast.size())];
    c.email = EmailPart(c.first_name) + "." + EmailPart(c.last_name) + std::to_string(c.id) + "@example.com";
    c.username = EmailPart(c.first_name) + std::to_string(c.id);
    c.billing = MakeAddress(rng, c.first_name, c.last_name, c.email);
    c.shipping = ShippingFrom(c.billing);
    if (rng.Chance(100)) c.shipping.line1 = std::to_string(rng.Range(1, 999)) + " " + kStreets[rng.Index(kStreets.size())];
    c.created = d.epoch - rng.Range(30, 400) * kDay + rng.Range(0, kDay - 1);
    c.modified = std::min(d.epoch, c.created + rng.Range(0, 40) * kDay);
    d.customers[c.id] = std::move(c);
  }
}

std::string SkuPrefix(const std::string& name) {
  std::string p;
  for (unsigned char c : name)
    if (std::isalpha(c) && c < 128 && p.size() < 3) p.push_back(static_cast<char>(std::toupper(c)));
  return p.empty() ? "PRD" : p;
}

void GenerateProducts(StoreData& d, Rng& rng, int count) {
  size_t simple_i = 0, variable_i = 0;
  for (int i = 0; i < count; ++i) {
    const bool variable = (i % 3 == 2);
    const auto& list = variable ? kVariable : kSimple;
    size_t& idx = variable ? variable_i : simple_i;
    const SimpleSpec& spec = list[idx % list.size()];
    const size_t round = idx / list.size();
    ++idx;
    Product p;
    p.id = d.next_post_id++;
    p.name = round == 0 ? spec.name : spec.name + " " + std::to_string(round + 1);
    p.slug = Slug(p.name);
    p.type = variable ? "variable" : "simple";
    p.created = d.epoch - rng.Range(120, 500) * kDay + rng.Range(0, kDay - 1);
    p.modified = std::min(d.epoch - 100 * kDay, p.created + rng.Range(0, 60) * kDay);
    p.description = "<p>" + p.name + " — made to last.</p>";
    p.sku = SkuPrefix(p.name) + "-" + std::to_string(1000 + i);
    if (!variable && i % 11 == 5) p.sku.clear();  // a few shops leave SKUs empty
    p.tax_status = spec.tax_status;
    p.tax_class = spec.tax_class;
    p.is_virtual = spec.is_virtual;
    p.weight = spec.is_virtual ? "" : std::to_string(rng.Range(1, 30) * 100);
    for (const auto& cat : kCategories)
      if (cat.first == spec.category) p.categories.push_back(cat);
    int64_t base = spec.price + static_cast<int64_t>(round) * 100;
    if (!variable) {
      p.regular_price = base;
      if (rng.Chance(150) && base > 200) p.sale_price = base - base / 4;
      p.price = p.sale_price ? p.sale_price : p.regular_price;
      if (rng.Chance(500)) {
        p.manage_stock = true;
        p.stock_quantity = rng.Range(0, 200);
      }
      d.products[p.id] = std::move(p);
      continue;
    }
    size_t ncolors = 2 + rng.Index(2), nsizes = 1 + rng.Index(2);
    Attribute color{1, "Color", {}, true}, size{2, "Size", {}, true};
    for (size_t c = 0; c < ncolors; ++c) color.options.push_back(kColors[(i + c) % kColors.size()]);
    for (size_t s = 0; s < nsizes; ++s) size.options.push_back(kSizes[(i + s) % kSizes.size()]);
    p.attributes = {color, size};
    const int64_t parent_id = p.id;
    int64_t min_price = -1;
    for (const auto& cname : color.options) {
      for (const auto& sname : size.options) {
        Product v;
        v.id = d.next_post_id++;
        v.parent_id = parent_id;
        v.is_variation = true;
        v.type = "variation";
        v.name = p.name + " - " + cname + ", " + sname;
        v.created = p.created;
        v.modified = p.modified;
        v.sku = p.sku + "-" + SkuPrefix(cname) + "-" + sname;
        v.regular_price = base + (sname == "XL" ? 200 : 0) + (cname == "Red" ? 100 : 0);
        v.price = v.regular_price;
        v.tax_status = p.tax_status;
        v.tax_class = p.tax_class;
        v.weight = p.weight;
        v.attributes = {{1, "Color", {cname}, true}, {2, "Size", {sname}, true}};
        v.menu_order = static_cast<int>(p.variation_ids.size());
        if (rng.Chance(600)) {
          v.manage_stock = true;
          v.stock_quantity = rng.Range(0, 60);
        }
        if (min_price < 0 || *v.price < min_price) min_price = *v.price;
        p.variation_ids.push_back(v.id);
        d.products[v.id] = std::move(v);
      }
    }
    p.price = min_price;  // a variable product shows its lowest variation price
    d.products[parent_id] = std::move(p);
  }
}

}  // namespace

std::string PickStatus(Rng& rng) {
  int64_t r = rng.Range(0, 999);
  for (size_t i = 0; i < kStatuses.size(); ++i) {
    if (r < kStatusWeights[i]) return kStatuses[i];
    r -= kStatusWeights[i];
  }
  return "completed";
}

BuiltOrder BuildOrder(const StoreData& d, Rng& rng, const std::vector<model::Address>& guests, int64_t created,
                      const std::string& status, int64_t limit, int64_t* next_post_id, int64_t* next_item_id) {
  BuiltOrder built;
  Order& o = built.order;
  o.id = (*next_post_id)++;
  o.status = status;
  o.currency = d.currency;
  o.created = created;
  o.order_key = "wc_order_" + rng.Alnum(13);
  int64_t via = rng.Range(0, 99);
  o.created_via = via < 85 ? "checkout" : via < 95 ? "admin" : "rest-api";
  if (o.created_via == "checkout") {
    o.cart_hash = rng.Hex(32);
    o.customer_ip = "203.0.113." + std::to_string(rng.Range(1, 254));
    o.customer_user_agent = kAgents[rng.Index(kAgents.size())];
  }
  if (d.customers.empty() || guests.empty() || rng.Chance(300)) {
    if (!guests.empty()) o.billing = guests[rng.Index(guests.size())];
    o.customer_id = 0;
    o.billing_email_null = rng.Chance(25);
    if (o.billing_email_null) o.billing.email.clear();
  } else {
    const size_t k = rng.Index(d.customers.size());
    auto it = d.customers.begin();
    // Generated stores number customers without gaps: pick the k-th by id
    // at once rather than walking the map (the same customer either way).
    if (d.customers.rbegin()->first - it->first + 1 == static_cast<int64_t>(d.customers.size()))
      it = d.customers.find(it->first + static_cast<int64_t>(k));
    else
      std::advance(it, static_cast<long>(k));
    o.customer_id = it->first;
    o.billing = it->second.billing;
  }
  o.shipping = ShippingFrom(o.billing);
  if (rng.Chance(100)) o.customer_note = kNotes[rng.Index(kNotes.size())];

  // Catalogue items (simple products and variations).
  std::vector<const Product*> sellable;
  for (const auto& [id, p] : d.products)
    if (p.type != "variable" && p.price) sellable.push_back(&p);
  PricingInput in;
  in.currency = d.currency;
  in.country = o.billing.country;
  in.state = o.billing.state;
  in.prices_include_tax = o.billing.country == "GB";
  const size_t nlines = std::min<size_t>(sellable.size(), 1 + rng.Index(rng.Chance(700) ? 2 : 4));
  std::vector<size_t> picked;
  bool all_virtual = true;
  while (picked.size() < nlines) {
    size_t k = rng.Index(sellable.size());
    if (std::find(picked.begin(), picked.end(), k) != picked.end()) continue;
    picked.push_back(k);
    const Product& p = *sellable[k];
    const Product* parent = p.is_variation ? &d.products.at(p.parent_id) : nullptr;
    LineInput li;
    li.product_id = parent ? parent->id : p.id;
    li.variation_id = parent ? p.id : 0;
    li.name = p.name;
    li.parent_name = parent ? parent->name : "";
    li.sku = p.sku;
    li.tax_class = p.tax_class;
    li.taxable = p.tax_status == "taxable";
    int64_t q = rng.Range(0, 99);
    li.quantity = q < 60 ? 1 : q < 85 ? 2 : q < 95 ? 3 : rng.Range(4, 7);
    if (*p.price == 333) li.quantity = 3;  // 3 × 3.33
    li.unit_price = *p.price;
    for (const auto& a : p.attributes) {
      if (a.options.empty()) continue;
      std::string slug = a.id ? "pa_" + Slug(a.name) : a.name;
      li.meta.push_back({0, slug, a.id ? Slug(a.options[0]) : a.options[0], a.name, a.options[0]});
    }
    all_virtual = all_virtual && p.is_virtual;
    in.lines.push_back(std::move(li));
  }
  if (!all_virtual && rng.Chance(920)) {
    int64_t m = rng.Range(0, 99);
    if (m < 60) in.shipping.push_back({"flat_rate", "Flat rate", "1", rng.Chance(600) ? 500 : 1000, true});
    else if (m < 88) in.shipping.push_back({"free_shipping", "Free shipping", "3", 0, true});
    else in.shipping.push_back({"local_pickup", "Local pickup", "4", 0, false});
  }
  if (rng.Chance(80)) in.fees.push_back({"Handling", 200, "none", ""});
  if (rng.Chance(50)) in.fees.push_back({"Gift wrap", 350, "taxable", ""});
  if (rng.Chance(200) && !d.coupons.empty()) {
    auto it = d.coupons.begin();
    std::advance(it, static_cast<long>(rng.Index(d.coupons.size())));
    in.coupon = it->second;
  }
  PriceOrder(in, d.tax_rates, next_item_id, &o);

  // Payment and dates.
  int64_t pm = rng.Range(0, 99);
  if (status == "on-hold") pm = pm < 70 ? 70 : 90;  // bank transfer / cheque
  if (pm < 45) {
    o.payment_method = "stripe";
    o.payment_method_title = "Credit Card (Stripe)";
  } else if (pm < 65) {
    o.payment_method = "paypal";
    o.payment_method_title = "PayPal";
  } else if (pm < 85) {
    o.payment_method = "bacs";
    o.payment_method_title = "Direct bank transfer";
  } else if (pm < 93) {
    o.payment_method = "cod";
    o.payment_method_title = "Cash on delivery";
  } else {
    o.payment_method = "cheque";
    o.payment_method_title = "Check payments";
  }
  auto clamp = [&](int64_t t) { return std::min(t, limit); };
  int64_t last = created;
  const bool paid = status == "processing" || status == "completed" || status == "refunded";
  if (paid) {
    bool offline = o.payment_method == "bacs" || o.payment_method == "cheque" || o.payment_method == "cod";
    o.paid = clamp(created + (offline ? rng.Range(1, 3) * kDay : rng.Range(5, 600)));
    if (o.payment_method == "stripe") o.transaction_id = "pi_" + rng.Alnum(24);
    if (o.payment_method == "paypal") o.transaction_id = rng.Alnum(17);
    for (auto& c : o.transaction_id)
      if (o.payment_method == "paypal") c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    last = o.paid;
  }
  if (status == "completed" || status == "refunded") {
    o.completed = clamp(last + rng.Range(1, 5) * kDay);
    last = o.completed;
  } else if (status == "cancelled") {
    last = clamp(created + rng.Range(1, 3) * kDay);
  } else if (status == "failed") {
    last = clamp(created + rng.Range(1, 120));
  }
  auto add_refund = [&](Refund f, const std::string& reason) {
    f.id = (*next_post_id)++;
    f.order_id = o.id;
    f.created = clamp(last + rng.Range(1, 10) * kDay);
    f.reason = reason;
    f.refunded_payment = o.payment_method == "stripe" || o.payment_method == "paypal";
    last = f.created;
    o.refund_ids.push_back(f.id);
    built.refunds.push_back(std::move(f));
  };
  if (status == "refunded") {
    add_refund(FullRefund(o, next_item_id), "Order fully refunded.");
  } else if ((status == "completed" || status == "processing") && rng.Chance(100) && !o.lines.empty()) {
    size_t li = rng.Index(o.lines.size());
    add_refund(PartialRefund(o, li, 1, next_item_id), kReasons[rng.Index(kReasons.size())]);
    if (rng.Chance(300) && o.lines.size() > 1)
      add_refund(PartialRefund(o, (li + 1) % o.lines.size(), 1, next_item_id), "Second item returned");
  }
  o.modified = clamp(last + rng.Range(0, 60));
  return built;
}

void CountOrder(StoreData& d, const Order& o) {
  const bool paid = o.status == "processing" || o.status == "completed" || o.status == "refunded";
  if (o.customer_id && paid) d.customers[o.customer_id].is_paying = true;
  for (const auto& l : o.lines) {
    auto it = d.products.find(l.product_id);
    if (it != d.products.end()) it->second.total_sales += l.quantity;
  }
  d.last_write = std::max(d.last_write, o.modified);
}

namespace {

// Builds, prices and stores one order (and its refunds) created at `created`.
int64_t MakeOrder(StoreData& d, Rng& rng, const std::vector<model::Address>& guests, int64_t created,
                  const std::string& status, int64_t limit) {
  BuiltOrder b = BuildOrder(d, rng, guests, created, status, limit, &d.next_post_id, &d.next_item_id);
  CountOrder(d, b.order);
  for (auto& f : b.refunds) d.refunds[f.id] = std::move(f);
  const int64_t id = b.order.id;
  d.orders[id] = std::move(b.order);
  return id;
}


}  // namespace

std::vector<model::Address> MakeGuests(Rng& rng, size_t n) {
  std::vector<model::Address> guests;
  for (size_t i = 0; i < n; ++i) {
    std::string first = kFirst[rng.Index(kFirst.size())], last = kLast[rng.Index(kLast.size())];
    std::string email = EmailPart(first) + "." + EmailPart(last) + ".guest" + std::to_string(i) + "@example.org";
    if (i % 7 == 3) email[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(email[0])));
    guests.push_back(MakeAddress(rng, first, last, email));
  }
  return guests;
}

const std::vector<std::string>& OrderStatuses() { return kStatuses; }

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int64_t Rng::Range(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
}

bool Rng::Chance(int per_mille) { return Range(0, 999) < per_mille; }

size_t Rng::Index(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

std::string Rng::Alnum(size_t n) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(kChars[Index(sizeof(kChars) - 1)]);
  return s;
}

std::string Rng::Hex(size_t n) {
  static const char kChars[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(kChars[Index(16)]);
  return s;
}

int64_t SeedEpoch(uint64_t seed) { return 1'767'225'600 - static_cast<int64_t>(seed % 60) * kDay; }

StoreData GenerateCatalog(const SeedOptions& options, Rng& rng) {
  StoreData d;
  d.currency = options.currency;
  d.epoch = SeedEpoch(options.seed);
  d.tax_rates = DefaultRates();
  d.coupons = DefaultCoupons();
  GenerateCustomers(d, rng, std::max(0, options.customers));
  GenerateProducts(d, rng, std::max(0, options.products));
  return d;
}

StoreData GenerateStore(const SeedOptions& options) {
  Rng rng(options.seed);
  StoreData d = GenerateCatalog(options, rng);
  std::vector<model::Address> guests = MakeGuests(rng, std::max<size_t>(4, static_cast<size_t>(options.orders) / 12));
  std::vector<int64_t> times;
  for (int i = 0; i < options.orders; ++i) times.push_back(d.epoch - rng.Range(3600, 90 * kDay));
  std::sort(times.begin(), times.end());
  for (size_t i = 0; i < times.size(); ++i) {
    // The first orders cover every status; the rest follow realistic weights.
    std::string status = i < kStatuses.size() ? kStatuses[i] : PickStatus(rng);
    MakeOrder(d, rng, guests, times[i], status, d.epoch);
  }
  d.last_write = std::max(d.last_write, d.epoch);
  return d;
}

int64_t AddRandomOrder(StoreData& data, uint64_t seed, int64_t now) {
  Rng rng(seed ^ (static_cast<uint64_t>(data.next_post_id) * 0x9E3779B97F4A7C15ull));
  std::vector<model::Address> guests = MakeGuests(rng, 4);
  std::string status = rng.Chance(500) ? "processing" : PickStatus(rng);
  return MakeOrder(data, rng, guests, now, status, now);
}

}  // namespace es::woo::sandbox
