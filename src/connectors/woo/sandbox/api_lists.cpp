// Collections: parameter validation with WordPress's messages, filters,
// stable ordering (ID tie-break), pagination headers and Link.
#include <algorithm>
#include <cctype>
#include <functional>

#include "common/clock.h"
#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/generated.h"
#include "connectors/woo/sandbox/render.h"
#include "model/money.h"

namespace es::woo::sandbox::api {
namespace {

class ParamErrors {
 public:
  void Add(const std::string& name, const std::string& code, const std::string& message) {
    if (params_.contains(name)) return;
    names_.push_back(name);
    params_[name] = message;
    details_[name] = {{"code", code}, {"message", message}, {"data", nullptr}};
  }
  bool empty() const { return names_.empty(); }
  ApiResponse Response() const {
    std::string list;
    for (const auto& n : names_) list += (list.empty() ? "" : ", ") + n;
    ApiResponse r = ErrorResponse(400, "rest_invalid_param", "Invalid parameter(s): " + list);
    r.body["data"]["params"] = params_;
    r.body["data"]["details"] = details_;
    return r;
  }

 private:
  std::vector<std::string> names_;
  Json params_ = Json::object();
  Json details_ = Json::object();
};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool IsInt(const std::string& s, int64_t* out) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (s.size() == i || s.size() > 18 || s.find_first_not_of("0123456789", i) != std::string::npos) return false;
  *out = std::stoll(s);
  return true;
}

// WordPress's RFC 3339 check; the offset is ignored when comparing, as
// WP_Date_Query does. Returns Unix seconds (naive), or -1.
int64_t ParseWpDate(const std::string& s) {
  auto digits = [&](size_t pos, size_t n) {
    if (pos + n > s.size()) return false;
    for (size_t i = pos; i < pos + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
  };
  if (!digits(0, 4) || s.size() < 19 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(11, 2) || s[13] != ':' || !digits(14, 2) ||
      s[16] != ':' || !digits(17, 2))
    return -1;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return -1;
  }
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      if (!digits(i + 1, 2)) return -1;
      i += 3;
      if (i < s.size() && s[i] == ':') {
        if (!digits(i + 1, 2)) return -1;
        i += 3;
      }
    }
  }
  if (i != s.size()) return -1;
  std::string naive = s.substr(0, 19);
  naive[10] = 'T';
  int64_t ms = ParseIso8601(naive);
  return ms < 0 ? -1 : ms / 1000;
}

class Params {
 public:
  Params(const http::Params& q, ParamErrors& e) : q_(q), errors_(e) {}

  const std::string* Value(const std::string& key) const {
    const std::string* v = nullptr;
    for (const auto& [k, val] : q_)
      if (k == key) v = &val;
    return v;
  }
  // "k=a,b", "k[]=a&k[]=b" or "k[0]=a".
  std::vector<std::string> List(const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : q_) {
      if (k == key) {
        out.clear();
        size_t start = 0;
        while (start <= v.size()) {
          size_t comma = v.find(',', start);
          std::string item = v.substr(start, comma - start);
          while (!item.empty() && item.front() == ' ') item.erase(0, 1);
          while (!item.empty() && item.back() == ' ') item.pop_back();
          if (!item.empty()) out.push_back(item);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      } else if (k.size() > key.size() + 1 && k.compare(0, key.size(), key) == 0 && k[key.size()] == '[' &&
                 k.back() == ']') {
        out.push_back(v);
      }
    }
    return out;
  }
  bool Has(const std::string& key) const { return Value(key) != nullptr || !List(key).empty(); }

  int64_t Int(const std::string& key, int64_t def, std::optional<int64_t> min, std::optional<int64_t> max) {
    const std::string* v = Value(key);
    if (!v) return def;
    int64_t n;
    if (!IsInt(*v, &n)) {
      errors_.Add(key, "rest_invalid_type", key + " is not of type integer.");
      return def;
    }
    if (min && max && (n < *min || n > *max)) {
      errors_.Add(key, "rest_out_of_bounds", key + " must be between " + std::to_string(*min) + " (inclusive) and " +
                                                 std::to_string(*max) + " (inclusive)");
      return def;
    }
    if (min && n < *min) {
      errors_.Add(key, "rest_out_of_bounds", key + " must be greater than or equal to " + std::to_string(*min));
      return def;
    }
    return n;
  }
  bool Bool(const std::string& key, bool def) {
    const std::string* v = Value(key);
    if (!v) return def;
    std::string s = Lower(*v);
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0" || s.empty()) return false;
    errors_.Add(key, "rest_invalid_type", key + " is not of type boolean.");
    return def;
  }
  std::optional<int64_t> Date(const std::string& key) {
    const std::string* v = Value(key);
    if (!v) return std::nullopt;
    int64_t t = ParseWpDate(*v);
    if (t < 0) {
      errors_.Add(key, "rest_invalid_date", "Invalid date.");
      return std::nullopt;
    }
    return t;
  }
  std::string Enum(const std::string& key, const std::vector<std::string>& allowed, const std::string& def) {
    const std::string* v = Value(key);
    if (!v) return def;
    if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
      errors_.Add(key, "rest_not_in_enum", key + " is not one of " + JoinList(allowed) + ".");
      return def;
    }
    return *v;
  }
  std::vector<std::string> EnumList(const std::string& key, const std::vector<std::string>& allowed) {
    std::vector<std::string> items = List(key);
    for (size_t i = 0; i < items.size(); ++i) {
      if (std::find(allowed.begin(), allowed.end(), items[i]) == allowed.end()) {
        errors_.Add(key, "rest_not_in_enum",
                    key + "[" + std::to_string(i) + "] is not one of " + JoinList(allowed) + ".");
        return {};
      }
    }
    return items;
  }
  std::vector<int64_t> IntList(const std::string& key) {
    std::vector<int64_t> out;
    std::vector<std::string> items = List(key);
    for (size_t i = 0; i < items.size(); ++i) {
      int64_t n;
      if (!IsInt(items[i], &n)) {
        errors_.Add(key, "rest_invalid_type", key + "[" + std::to_string(i) + "] is not of type integer.");
        return {};
      }
      out.push_back(n);
    }
    return out;
  }

 private:
  const http::Params& q_;
  ParamErrors& errors_;
};

struct Collection {
  int64_t page = 1, per_page = 10;
  std::optional<int64_t> offset;
  std::string order, orderby;
  std::optional<int64_t> after, before, modified_after, modified_before;
  bool dates_are_gmt = false;
  std::vector<int64_t> include, exclude;
};

Collection ReadCollection(Params& p, const std::vector<std::string>& orderbys, const std::string& def_orderby,
                          const std::string& def_order, bool dated) {
  Collection c;
  c.page = p.Int("page", 1, 1, std::nullopt);
  c.per_page = p.Int("per_page", 10, 1, 100);
  if (p.Value("offset")) c.offset = p.Int("offset", 0, std::nullopt, std::nullopt);
  c.order = p.Enum("order", {"asc", "desc"}, def_order);
  c.orderby = p.Enum("orderby", orderbys, def_orderby);
  if (dated) {
    c.after = p.Date("after");
    c.before = p.Date("before");
    c.modified_after = p.Date("modified_after");
    c.modified_before = p.Date("modified_before");
    c.dates_are_gmt = p.Bool("dates_are_gmt", false);
  }
  c.include = p.IntList("include");
  c.exclude = p.IntList("exclude");
  return c;
}

// Date and id filters shared by every posts-based collection (WP date
// queries are exclusive).
bool Keep(const Collection& c, int64_t id, int64_t created, int64_t modified, int64_t offset_s) {
  const int64_t cr = c.dates_are_gmt ? created : created + offset_s;
  const int64_t mo = c.dates_are_gmt ? modified : modified + offset_s;
  if (c.after && !(cr > *c.after)) return false;
  if (c.before && !(cr < *c.before)) return false;
  if (c.modified_after && !(mo > *c.modified_after)) return false;
  if (c.modified_before && !(mo < *c.modified_before)) return false;
  if (!c.include.empty() && std::find(c.include.begin(), c.include.end(), id) == c.include.end()) return false;
  if (std::find(c.exclude.begin(), c.exclude.end(), id) != c.exclude.end()) return false;
  return true;
}

template <typename T>
void SortBy(std::vector<const T*>& items, const Collection& c, const std::function<std::string(const T&)>& text_key,
            const std::function<int64_t(const T&)>& num_key) {
  const bool asc = c.order == "asc";
  auto include_pos = [&](int64_t id) {
    return std::find(c.include.begin(), c.include.end(), id) - c.include.begin();
  };
  std::stable_sort(items.begin(), items.end(), [&](const T* a, const T* b) {
    if (c.orderby == "include") {
      auto pa = include_pos(a->id), pb = include_pos(b->id);
      if (pa != pb) return asc ? pa < pb : pa > pb;
    } else if (text_key) {
      std::string ka = text_key(*a), kb = text_key(*b);
      if (ka != kb) return asc ? ka < kb : ka > kb;
    } else if (num_key) {
      int64_t ka = num_key(*a), kb = num_key(*b);
      if (ka != kb) return asc ? ka < kb : ka > kb;
    }
    return asc ? a->id < b->id : a->id > b->id;  // the " ID" tie-break
  });
}

std::string LinkUrl(const std::string& home_url, const ApiRequest& r, int64_t page) {
  http::Params q;
  bool replaced = false;
  for (const auto& [k, v] : r.query) {
    if (k == "page") {
      if (!replaced) q.emplace_back("page", std::to_string(page));
      replaced = true;
    } else {
      q.emplace_back(k, v);
    }
  }
  if (!replaced) q.emplace_back("page", std::to_string(page));
  return home_url + r.path + "?" + http::BuildQuery(q);
}

// The first position of the page (offset wins over page).
int64_t PageStart(const Collection& c) { return c.offset ? std::max<int64_t>(0, *c.offset) : (c.page - 1) * c.per_page; }

// A page of a list of `total` items: render(i) for the positions of the page.
ApiResponse PaginateCount(int64_t total, const Collection& c, const ApiRequest& r, const std::string& home_url,
                          const std::function<Json(int64_t)>& render) {
  const int64_t pages = (total + c.per_page - 1) / c.per_page;
  const int64_t start = PageStart(c);
  ApiResponse out;
  out.body = Json::array();
  for (int64_t i = start; i < total && i < start + c.per_page; ++i) out.body.push_back(render(i));
  out.headers.emplace_back("X-WP-Total", std::to_string(total));
  out.headers.emplace_back("X-WP-TotalPages", std::to_string(pages));
  std::string link;
  if (c.page > 1) {
    int64_t prev = std::min(c.page - 1, std::max<int64_t>(pages, 1));
    link = "<" + LinkUrl(home_url, r, prev) + ">; rel=\"prev\"";
  }
  if (c.page < pages) {
    if (!link.empty()) link += ", ";
    link += "<" + LinkUrl(home_url, r, c.page + 1) + ">; rel=\"next\"";
  }
  if (!link.empty()) out.headers.emplace_back("Link", link);
  return out;
}

template <typename T>
ApiResponse Paginate(const std::vector<const T*>& items, const Collection& c, const ApiRequest& r,
                     const std::string& home_url, const std::function<Json(const T&)>& render) {
  return PaginateCount(static_cast<int64_t>(items.size()), c, r, home_url,
                       [&](int64_t i) { return render(*items[static_cast<size_t>(i)]); });
}

const std::vector<std::string> kPostOrderby = {"date", "id", "include", "title", "slug", "modified"};
const std::vector<std::string> kProductOrderby = {"date", "id",         "include", "title",     "slug",
                                                  "modified", "price", "popularity", "rating", "menu_order"};

bool ContainsI(const std::string& hay, const std::string& needle) { return Lower(hay).find(Lower(needle)) != std::string::npos; }

// Orders of a generated store (generated.h): the generated ones never
// written, from the index, and those in StoreData::orders. Listing by id or
// date with no filter beyond the statuses — a sync's full walk — costs the
// page alone: positions map to generated indexes directly (written and
// created orders are few and checked one by one). Other lists go through
// the index (24 bytes an order) and build only the orders a filter must read
// and the page shows.
ApiResponse ListGeneratedOrders(const StoreData& d, const Collection& c, const ApiRequest& r,
                                const std::string& home_url, const RenderContext& ctx,
                                const std::function<bool(const std::string&)>& status_ok, bool deep,
                                const std::function<bool(const Order&)>& keep) {
  const GeneratedOrders& g = *d.generated;
  const auto& statuses = OrderStatuses();
  const int64_t n = g.count();
  auto render_at = [&](int64_t i) {  // generated index i
    const int64_t id = g.IdAt(i);
    if (g.slot(i).written) return RenderOrder(d.orders.at(id), d, ctx);
    const StoreData scratch = g.Scratch(d, i);
    return RenderOrder(scratch.orders.at(id), scratch, ctx);
  };
  struct Entry {
    int64_t id, created, modified;
    int64_t index;  // generated index, or -1 for an order held in d.orders
  };
  auto render = [&](const Entry& e) {
    return e.index >= 0 ? render_at(e.index) : RenderOrder(d.orders.at(e.id), d, ctx);
  };
  const bool asc = c.order == "asc";
  const bool by_id_or_date = c.orderby == "id" || c.orderby == "date";
  bool fast = !deep && by_id_or_date && c.include.empty() && c.exclude.empty() && !c.after && !c.before &&
              !c.modified_after && !c.modified_before &&
              std::all_of(statuses.begin(), statuses.end(), status_ok);
  const int64_t last_created = n > 0 ? g.slot(n - 1).created : 0;
  std::vector<Entry> extras;  // orders created since start that the list keeps
  if (fast) {
    int64_t written_held = 0;
    for (const auto& [id, o] : d.orders) {
      if (g.IndexOf(id) >= 0) {
        ++written_held;
        fast = fast && keep(o);  // a written generated order the list would drop
      } else if (keep(o)) {
        fast = fast && o.created >= last_created;
        extras.push_back({id, o.created, o.modified, -1});
      }
    }
    fast = fast && written_held == g.written();  // none deleted for good
  }
  if (fast) {
    // Generated orders in id order (= date order), then the created ones.
    std::sort(extras.begin(), extras.end(), [&](const Entry& a, const Entry& b) {
      if (c.orderby == "date" && a.created != b.created) return a.created < b.created;
      return a.id < b.id;
    });
    const int64_t e = static_cast<int64_t>(extras.size());
    return PaginateCount(n + e, c, r, home_url, [&](int64_t pos) {
      const int64_t k = asc ? pos : n + e - 1 - pos;
      return k < n ? render_at(k) : render(extras[static_cast<size_t>(k - n)]);
    });
  }
  std::vector<Entry> items;
  for (int64_t i = 0; i < n; ++i) {
    const GeneratedOrders::Slot& s = g.slot(i);
    if (s.written) continue;
    const int64_t id = g.IdAt(i);
    if (deep) {
      const StoreData scratch = g.Scratch(d, i);
      if (!keep(scratch.orders.at(id))) continue;
    } else if (!status_ok(statuses[s.status]) || !Keep(c, id, s.created, s.modified, d.utc_offset_s)) {
      continue;
    }
    items.push_back({id, s.created, s.modified, i});
  }
  for (const auto& [id, o] : d.orders)
    if (keep(o)) items.push_back({id, o.created, o.modified, -1});
  auto include_pos = [&](int64_t id) { return std::find(c.include.begin(), c.include.end(), id) - c.include.begin(); };
  std::stable_sort(items.begin(), items.end(), [&](const Entry& a, const Entry& b) {
    int64_t ka = 0, kb = 0;
    if (c.orderby == "include") ka = include_pos(a.id), kb = include_pos(b.id);
    else if (c.orderby == "modified") ka = a.modified, kb = b.modified;
    else if (c.orderby != "id") ka = a.created, kb = b.created;
    if (ka != kb) return asc ? ka < kb : ka > kb;
    return asc ? a.id < b.id : a.id > b.id;
  });
  return PaginateCount(static_cast<int64_t>(items.size()), c, r, home_url,
                       [&](int64_t i) { return render(items[static_cast<size_t>(i)]); });
}

}  // namespace

Result<int> ParseDp(const ApiRequest& r, const std::string& currency) {
  ParamErrors errors;
  Params p(r.query, errors);
  int64_t dp = p.Int("dp", model::CurrencyExponent(currency), 0, 6);
  if (!errors.empty()) return Status::Validation("Invalid parameter(s): dp");
  return static_cast<int>(dp);
}

ApiResponse ListOrders(const StoreData& d, const ApiRequest& r, const std::string& home_url) {
  ParamErrors errors;
  Params p(r.query, errors);
  Collection c = ReadCollection(p, kPostOrderby, "date", "desc", true);
  std::vector<std::string> statuses =
      p.EnumList("status", {"any", "trash", "auto-draft", "pending", "processing", "on-hold", "completed",
                            "cancelled", "refunded", "failed", "checkout-draft"});
  std::optional<int64_t> customer, product;
  if (p.Value("customer")) customer = p.Int("customer", 0, std::nullopt, std::nullopt);
  if (p.Value("product")) product = p.Int("product", 0, std::nullopt, std::nullopt);
  int64_t dp = p.Int("dp", model::CurrencyExponent(d.currency), 0, 6);
  const std::string* search = p.Value("search");
  if (!errors.empty()) return errors.Response();
  const bool any = statuses.empty() || std::find(statuses.begin(), statuses.end(), "any") != statuses.end();
  // "any" is WP_Query's: every status except those hidden from search
  // (trash, auto-draft); a trashed order is listed only when asked for.
  auto status_ok = [&](const std::string& status) {
    const bool named = std::find(statuses.begin(), statuses.end(), status) != statuses.end();
    return status == "trash" ? named : any || named;
  };
  const bool deep = customer || product || (search && !search->empty());  // filters that read the whole order
  auto keep = [&](const Order& o) {
    if (!status_ok(o.status)) return false;
    if (!Keep(c, o.id, o.created, o.modified, d.utc_offset_s)) return false;
    if (customer && o.customer_id != *customer) return false;
    if (product && std::none_of(o.lines.begin(), o.lines.end(), [&](const OrderLine& l) {
          return l.product_id == *product || l.variation_id == *product;
        }))
      return false;
    if (search && !search->empty() && std::to_string(o.id) != *search && !ContainsI(o.billing.email, *search) &&
        !ContainsI(o.billing.first_name + " " + o.billing.last_name, *search) && !ContainsI(o.billing.company, *search))
      return false;
    return true;
  };
  RenderContext ctx{home_url, static_cast<int>(dp)};
  if (d.generated) return ListGeneratedOrders(d, c, r, home_url, ctx, status_ok, deep, keep);

  std::vector<const Order*> items;
  for (const auto& [id, o] : d.orders)
    if (keep(o)) items.push_back(&o);
  std::function<int64_t(const Order&)> num;
  if (c.orderby == "modified") num = [](const Order& o) { return o.modified; };
  else if (c.orderby == "date" || c.orderby == "title" || c.orderby == "slug") num = [](const Order& o) { return o.created; };
  SortBy<Order>(items, c, nullptr, num);
  return Paginate<Order>(items, c, r, home_url, [&](const Order& o) { return RenderOrder(o, d, ctx); });
}

ApiResponse ListRefunds(const StoreData& d, const ApiRequest& r, const std::string& home_url, int64_t order_id) {
  ParamErrors errors;
  Params p(r.query, errors);
  Collection c = ReadCollection(p, kPostOrderby, "date", "desc", true);
  const Order& order = d.orders.at(order_id);
  int64_t dp = p.Int("dp", model::CurrencyExponent(order.currency), 0, 6);
  if (!errors.empty()) return errors.Response();
  std::vector<const Refund*> items;
  for (int64_t id : order.refund_ids) {
    auto it = d.refunds.find(id);
    if (it != d.refunds.end() && Keep(c, id, it->second.created, it->second.created, d.utc_offset_s))
      items.push_back(&it->second);
  }
  std::function<int64_t(const Refund&)> num;
  if (c.orderby != "id" && c.orderby != "include") num = [](const Refund& f) { return f.created; };
  SortBy<Refund>(items, c, nullptr, num);
  RenderContext ctx{home_url, static_cast<int>(dp)};
  return Paginate<Refund>(items, c, r, home_url, [&](const Refund& f) { return RenderRefund(f, d, ctx); });
}

ApiResponse ListCustomers(const StoreData& d, const ApiRequest& r, const std::string& home_url) {
  ParamErrors errors;
  Params p(r.query, errors);
  Collection c = ReadCollection(p, {"id", "include", "name", "registered_date"}, "name", "asc", false);
  std::string role = p.Enum("role", {"all", "administrator", "editor", "author", "contributor", "subscriber",
                                     "customer", "shop_manager"},
                            "customer");
  const std::string* email = p.Value("email");
  const std::string* search = p.Value("search");
  if (!errors.empty()) return errors.Response();
  RenderContext ctx{home_url, 2};
  // By id with no filter (a sync's full walk): generated customers are
  // numbered without gaps and all have the role "customer" (no sandbox write
  // adds customers or changes a role), so a page is found by id, not by
  // sorting them all.
  const bool contiguous = !d.customers.empty() && d.customers.rbegin()->first - d.customers.begin()->first + 1 ==
                                                      static_cast<int64_t>(d.customers.size());
  if (contiguous && c.orderby == "id" && (role == "all" || role == "customer") && !email && !search &&
      c.include.empty() && c.exclude.empty()) {
    const int64_t total = static_cast<int64_t>(d.customers.size()), first = d.customers.begin()->first;
    return PaginateCount(total, c, r, home_url, [&](int64_t pos) {
      return RenderCustomer(d.customers.at(first + (c.order == "asc" ? pos : total - 1 - pos)), d, ctx);
    });
  }
  std::vector<const Customer*> items;
  for (const auto& [id, cu] : d.customers) {
    if (role != "all" && cu.role != role) continue;
    if (!Keep(c, id, cu.created, cu.modified, 0)) continue;
    if (email && Lower(cu.email) != Lower(*email)) continue;
    if (search && !search->empty() && !ContainsI(cu.email, *search) &&
        !ContainsI(cu.first_name + " " + cu.last_name, *search) && !ContainsI(cu.username, *search))
      continue;
    items.push_back(&cu);
  }
  std::function<std::string(const Customer&)> text;
  std::function<int64_t(const Customer&)> num;
  if (c.orderby == "name") text = [](const Customer& cu) { return Lower(cu.username); };
  if (c.orderby == "registered_date") num = [](const Customer& cu) { return cu.created; };
  SortBy<Customer>(items, c, text, num);
  return Paginate<Customer>(items, c, r, home_url, [&](const Customer& cu) { return RenderCustomer(cu, d, ctx); });
}

namespace {

ApiResponse ListCatalog(const StoreData& d, const ApiRequest& r, const std::string& home_url, int64_t parent) {
  ParamErrors errors;
  Params p(r.query, errors);
  Collection c = ReadCollection(p, kProductOrderby, "date", "desc", true);
  std::string status = p.Enum("status", {"any", "future", "trash", "draft", "pending", "private", "publish"}, "any");
  std::string type;
  if (parent == 0) type = p.Enum("type", {"simple", "grouped", "external", "variable"}, "");
  std::vector<std::string> skus = p.List("sku");
  const std::string* search = p.Value("search");
  if (!errors.empty()) return errors.Response();
  std::vector<const Product*> items;
  for (const auto& [id, pr] : d.products) {
    if (parent != 0) {
      if (!pr.is_variation || pr.parent_id != parent) continue;
    } else if (pr.is_variation && skus.empty()) {
      continue;  // variations only show up in /products when searching by SKU
    }
    if (status != "any" && pr.status != status) continue;
    if (!type.empty() && pr.type != type) continue;
    if (!skus.empty() && std::find(skus.begin(), skus.end(), pr.sku) == skus.end()) continue;
    if (search && !search->empty() && !ContainsI(pr.name, *search)) continue;
    if (!Keep(c, id, pr.created, pr.modified, d.utc_offset_s)) continue;
    items.push_back(&pr);
  }
  std::function<std::string(const Product&)> text;
  std::function<int64_t(const Product&)> num;
  if (c.orderby == "title") text = [](const Product& x) { return Lower(x.name); };
  else if (c.orderby == "slug") text = [](const Product& x) { return x.slug; };
  else if (c.orderby == "modified") num = [](const Product& x) { return x.modified; };
  else if (c.orderby == "date") num = [](const Product& x) { return x.created; };
  else if (c.orderby == "price") num = [](const Product& x) { return x.price.value_or(0); };
  else if (c.orderby == "popularity") num = [](const Product& x) { return x.total_sales; };
  else if (c.orderby == "menu_order") num = [](const Product& x) { return static_cast<int64_t>(x.menu_order); };
  SortBy<Product>(items, c, text, num);
  RenderContext ctx{home_url, 2};
  if (parent != 0)
    return Paginate<Product>(items, c, r, home_url, [&](const Product& x) { return RenderVariation(x, d, ctx); });
  return Paginate<Product>(items, c, r, home_url, [&](const Product& x) { return RenderProduct(x, d, ctx); });
}

}  // namespace

ApiResponse ListProducts(const StoreData& d, const ApiRequest& r, const std::string& home_url) {
  return ListCatalog(d, r, home_url, 0);
}

ApiResponse ListVariations(const StoreData& d, const ApiRequest& r, const std::string& home_url, int64_t parent) {
  return ListCatalog(d, r, home_url, parent);
}

}  // namespace es::woo::sandbox::api
