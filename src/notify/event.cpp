#include "notify/event.h"

namespace es::notify {

bool KnownKind(std::string_view kind) {
  for (std::string_view k : {kRunFailed, kAuthFailed, kWebhookDisabled, kWebhookMissing, kQboDocumentChanged, kFailedQueueGrowing, kTest}) {
    if (k == kind) return true;
  }
  return false;
}

}  // namespace es::notify
