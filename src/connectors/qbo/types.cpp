#include "connectors/qbo/types.h"

namespace es::qbo {

const char* SalesDocEntity(SalesDocKind k) {
  switch (k) {
    case SalesDocKind::kInvoice: return "Invoice";
    case SalesDocKind::kSalesReceipt: return "SalesReceipt";
    case SalesDocKind::kCreditMemo: return "CreditMemo";
    case SalesDocKind::kRefundReceipt: return "RefundReceipt";
  }
  return "Invoice";
}

std::optional<SalesDocKind> SalesDocKindFromEntity(std::string_view entity) {
  if (entity == "Invoice") return SalesDocKind::kInvoice;
  if (entity == "SalesReceipt") return SalesDocKind::kSalesReceipt;
  if (entity == "CreditMemo") return SalesDocKind::kCreditMemo;
  if (entity == "RefundReceipt") return SalesDocKind::kRefundReceipt;
  return std::nullopt;
}

}  // namespace es::qbo
