// ValidateSalesDocument: QBO's documented business rules checked locally so
// that a bad document fails with a clear message instead of a Fault.
#include <string>

#include "connectors/qbo/codec.h"

namespace es::qbo {
namespace {

constexpr size_t kMaxDocNumber = 21;
constexpr size_t kMaxCustomFields = 3;
constexpr size_t kMaxPrivateNote = 4000;
constexpr size_t kMaxPaymentRefNumSalesReceipt = 21;
constexpr size_t kMaxPaymentRefNumRefundReceipt = 100;

// Number of code points in UTF-8 text (continuation bytes are not counted).
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status TooLong(const std::string& what, const char* field, size_t max) {
  return Status::Validation(what + ": field '" + field + "' is longer than " + std::to_string(max) +
                            " characters");
}

}  // namespace

Status ValidateSalesDocument(const SalesDocument& d) {
  const std::string what = std::string(SalesDocEntity(d.kind)) +
                           (d.doc_number.empty() ? std::string() : " '" + d.doc_number + "'");
  const bool is_invoice = d.kind == SalesDocKind::kInvoice;
  const bool takes_payment = d.kind == SalesDocKind::kSalesReceipt || d.kind == SalesDocKind::kRefundReceipt;

  if (d.customer.value.empty()) return Status::Validation(what + ": field 'CustomerRef' is required");
  if (Utf8Length(d.doc_number) > kMaxDocNumber) return TooLong(what, "DocNumber", kMaxDocNumber);
  if (Utf8Length(d.private_note) > kMaxPrivateNote) return TooLong(what, "PrivateNote", kMaxPrivateNote);
  if (!d.txn_date.empty() && !IsDate(d.txn_date)) {
    return Status::Validation(what + ": field 'TxnDate' must be YYYY-MM-DD, got '" + d.txn_date + "'");
  }
  if (!d.due_date.empty()) {
    if (!is_invoice) return Status::Validation(what + ": field 'DueDate' is only valid on an Invoice");
    if (!IsDate(d.due_date)) {
      return Status::Validation(what + ": field 'DueDate' must be YYYY-MM-DD, got '" + d.due_date + "'");
    }
  }

  size_t real_lines = 0;
  for (size_t i = 0; i < d.lines.size(); ++i) {
    const Line& l = d.lines[i];
    const std::string where = what + ": Line[" + std::to_string(i) + "]";
    switch (l.kind) {
      case LineKind::kSalesItem:
        ++real_lines;
        if (l.item.value.empty()) {
          return Status::Validation(where + ": field 'SalesItemLineDetail.ItemRef' is required");
        }
        break;
      case LineKind::kDiscount:
        ++real_lines;
        if (l.amount.IsNegative()) return Status::Validation(where + ": discount 'Amount' must not be negative");
        break;
      case LineKind::kDescription:
        ++real_lines;
        break;
      case LineKind::kSubTotal:
        break;
    }
  }
  if (real_lines == 0) return Status::Validation(what + ": field 'Line' needs at least one line");

  if (d.custom_fields.size() > kMaxCustomFields) {
    return Status::Validation(what + ": field 'CustomField' has " + std::to_string(d.custom_fields.size()) +
                              " entries; QBO allows at most 3");
  }
  for (size_t i = 0; i < d.custom_fields.size(); ++i) {
    if (d.custom_fields[i].definition_id.empty()) {
      return Status::Validation(what + ": field 'CustomField[" + std::to_string(i) + "].DefinitionId' is required");
    }
  }

  if (!takes_payment) {
    if (!d.deposit_to_account.value.empty()) {
      return Status::Validation(what + ": field 'DepositToAccountRef' is only valid on a SalesReceipt or RefundReceipt");
    }
    if (!d.payment_method.value.empty()) {
      return Status::Validation(what + ": field 'PaymentMethodRef' is only valid on a SalesReceipt or RefundReceipt");
    }
    if (!d.payment_ref_num.empty()) {
      return Status::Validation(what + ": field 'PaymentRefNum' is only valid on a SalesReceipt or RefundReceipt");
    }
  } else {
    size_t max_ref = d.kind == SalesDocKind::kSalesReceipt ? kMaxPaymentRefNumSalesReceipt
                                                           : kMaxPaymentRefNumRefundReceipt;
    if (Utf8Length(d.payment_ref_num) > max_ref) return TooLong(what, "PaymentRefNum", max_ref);
  }
  if (d.kind == SalesDocKind::kRefundReceipt && d.deposit_to_account.value.empty()) {
    return Status::Validation(what + ": field 'DepositToAccountRef' is required on a RefundReceipt");
  }
  return Status::Ok();
}

}  // namespace es::qbo
