// Random QBO entities (connectors/qbo/types.h) for differential tests of the
// encoders: every optional field present or absent, every line kind, strings
// with quotes, backslashes, control characters, multi-byte and invalid UTF-8.
// `Draw` supplies the choices: `uint32_t Int(uint32_t max)` returns a value in
// [0, max]. A seeded PRNG, rapidcheck's generators or a fuzzer's bytes can
// stand behind it. Header-only, used by tests and fuzz targets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "connectors/qbo/types.h"

namespace es::qbo::testing {

template <typename Draw>
class RandomDocs {
 public:
  explicit RandomDocs(Draw& draw) : d_(draw) {}

  // Empty a third of the time; otherwise up to 12 pieces from a mixed alphabet.
  // Never starts with 0x1F: DumpJson reads a string starting with its number
  // tag ("\x1F#num:") as a number, which the text encoders rightly do not.
  std::string Str() {
    if (d_.Int(2) == 0) return {};
    static const char* const kPieces[] = {
        "a", "Z", "0", " ", "-", ".", "#", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\x01", "\x1f", "\x7f",
        "\xC3\xA9",          // é
        "\xE2\x82\xAC",      // €
        "\xF0\x9F\x98\x80",  // an emoji (4 bytes)
        "\xC3",              // a cut sequence
        "\xE2\x82",          // a cut sequence
        "\x80",              // a stray continuation byte
        "\xC0\xAF",          // overlong
        "\xED\xA0\x80",      // a surrogate
        "\xF4\x90\x80\x80",  // beyond U+10FFFF
        "\xFF", "Ada Lovelace", "WC-1042", "SHIPPING_ITEM_ID"};
    constexpr uint32_t kCount = sizeof(kPieces) / sizeof(kPieces[0]);
    std::string s;
    const uint32_t n = 1 + d_.Int(11);
    for (uint32_t i = 0; i < n; ++i) s += kPieces[d_.Int(kCount - 1)];
    if (!s.empty() && s[0] == '\x1f') s[0] = 'x';
    return s;
  }

  Decimal Dec() {
    switch (d_.Int(3)) {
      case 0: return Decimal();
      case 1: return Decimal::FromUnits(static_cast<int64_t>(d_.Int(100000000)) - 50000000);
      case 2: return Decimal::FromInt(static_cast<int64_t>(d_.Int(2000)) - 1000);
      default: {
        int64_t big = static_cast<int64_t>(d_.Int(0xFFFFFFFFu)) * 1000 + d_.Int(999);
        return Decimal::FromUnits(d_.Int(1) ? big : -big);
      }
    }
  }
  std::optional<Decimal> OptDec() { return d_.Int(1) ? std::optional<Decimal>(Dec()) : std::nullopt; }
  bool Bool() { return d_.Int(1) == 1; }

  Ref RefOf() { return Ref{Str(), Str()}; }

  PhysicalAddress Address() {
    PhysicalAddress a;
    if (d_.Int(2) == 0) return a;
    a.line1 = Str();
    a.line2 = Str();
    a.city = Str();
    a.country_sub_division_code = Str();
    a.postal_code = Str();
    a.country = Str();
    return a;
  }

  Line LineOf() {
    Line l;
    l.kind = static_cast<LineKind>(d_.Int(3));
    l.id = Str();
    l.amount = Dec();
    l.description = Str();
    l.item = RefOf();
    l.qty = OptDec();
    l.unit_price = OptDec();
    l.tax_code = Str();
    l.percent_based = Bool();
    l.discount_percent = OptDec();
    l.discount_account = RefOf();
    return l;
  }

  SalesDocument Document() {
    SalesDocument doc;
    doc.kind = static_cast<SalesDocKind>(d_.Int(3));
    doc.id = Str();
    doc.sync_token = Str();
    doc.doc_number = Str();
    doc.txn_date = Str();
    doc.due_date = Str();
    doc.customer = RefOf();
    doc.currency = RefOf();
    for (uint32_t n = d_.Int(6); n > 0; --n) doc.lines.push_back(LineOf());
    doc.tax.txn_tax_code = RefOf();
    doc.tax.total_tax = OptDec();
    doc.global_tax_calculation = Str();
    for (uint32_t n = d_.Int(3); n > 0; --n) doc.custom_fields.push_back(CustomField{Str(), Str(), Str()});
    doc.private_note = Str();
    doc.customer_memo = Str();
    doc.bill_email = Str();
    doc.bill_addr = Address();
    doc.ship_addr = Address();
    doc.payment_method = RefOf();
    doc.payment_ref_num = Str();
    doc.deposit_to_account = RefOf();
    doc.total_amt = OptDec();  // read-only: never encoded
    return doc;
  }

  Customer CustomerOf() {
    Customer c;
    c.id = Str();
    c.sync_token = Str();
    c.display_name = Str();
    c.given_name = Str();
    c.family_name = Str();
    c.company_name = Str();
    c.email = Str();
    c.phone = Str();
    c.bill_addr = Address();
    c.ship_addr = Address();
    c.active = Bool();
    return c;
  }

  Item ItemOf() {
    Item i;
    i.id = Str();
    i.sync_token = Str();
    i.name = Str();
    i.sku = Str();
    i.type = Str();
    i.description = Str();
    i.unit_price = OptDec();
    i.income_account = RefOf();
    i.expense_account = RefOf();
    i.asset_account = RefOf();
    i.taxable = Bool();
    i.track_qty_on_hand = Bool();
    i.qty_on_hand = OptDec();
    i.inv_start_date = Str();
    i.active = Bool();
    return i;
  }

  Payment PaymentOf() {
    Payment p;
    p.id = Str();
    p.sync_token = Str();
    p.customer = RefOf();
    p.total_amt = Dec();
    p.txn_date = Str();
    p.payment_ref_num = Str();
    p.private_note = Str();
    p.payment_method = RefOf();
    p.deposit_to_account = RefOf();
    for (uint32_t n = d_.Int(3); n > 0; --n) {
      PaymentLine l;
      l.amount = Dec();
      for (uint32_t k = d_.Int(2); k > 0; --k) l.linked.push_back(LinkedTxn{Str(), Str()});
      p.lines.push_back(std::move(l));
    }
    return p;
  }

 private:
  Draw& d_;
};

}  // namespace es::qbo::testing
