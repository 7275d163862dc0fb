// Business rules of the QBO sandbox, driven over real HTTP with raw JSON.
#include "connectors/qbo/sandbox/sandbox_test_util.h"

namespace es::qbo::sandbox {
namespace {

TEST_F(SandboxTest, CreateCustomerEnvelopeAndDuplicate6240) {
  http::Response r = Raw("POST", ApiUrl("/customer?minorversion=75"),
                         R"j({"DisplayName":"Ada Lovelace (#1042)","GivenName":"Ada","PrimaryEmailAddr":{"Address":"ada@example.com"},
                             "BillAddr":{"Line1":"12 Analytical St","City":"London","Country":"GBR"}})j",
                         Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json;charset=utf-8");
  EXPECT_FALSE(r.Header("intuit_tid").empty());
  Json body = Parse(r.body);
  const Json& c = body["Customer"];
  EXPECT_TRUE(c["Id"].is_string());
  EXPECT_EQ(c["SyncToken"], "0");
  EXPECT_EQ(c["domain"], "QBO");
  EXPECT_EQ(c["sparse"], false);
  EXPECT_EQ(c["Active"], true);
  EXPECT_EQ(c["FullyQualifiedName"], "Ada Lovelace (#1042)");
  EXPECT_TRUE(c["BillAddr"].contains("Id"));
  EXPECT_EQ(c["MetaData"]["CreateTime"].get<std::string>().size(), 25u);  // 2026-01-01T…-08:00
  EXPECT_NE(body["time"].get<std::string>().find('.'), std::string::npos);

  // Same name, different case: 6240 with the existing Id in the detail.
  auto [status, dup] = Post("/customer", Json{{"DisplayName", "ada lovelace (#1042)"}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(FaultCode(dup), "6240");
  EXPECT_EQ(dup["Fault"]["type"], "ValidationFault");
  EXPECT_NE(dup["Fault"]["Error"][0]["Detail"].get<std::string>().find("Id=" + c["Id"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(server_->CountEntities("Customer"), 1);

  // Read it back.
  auto [gs, got] = Get("/customer/" + c["Id"].get<std::string>());
  EXPECT_EQ(gs, 200);
  EXPECT_EQ(got["Customer"]["DisplayName"], "Ada Lovelace (#1042)");
}

TEST_F(SandboxTest, CustomerValidation) {
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"DisplayName", "Bad: name"}}).second), "2010");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"DisplayName", "Tab\tname"}}).second), "2010");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"DisplayName", std::string(501, 'x')}}).second), "2050");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"GivenName", std::string(101, 'x')}}).second), "2050");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"Notes", "no name"}}).second), "2020");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"DisplayName", "X"}, {"Nickname", "y"}}).second), "2010");
  EXPECT_EQ(FaultCode(PostText("/customer", "{\"DisplayName\": ").second), "2010");
  EXPECT_EQ(FaultCode(PostText("/customer", "{\"DisplayName\":\"\xff\"}").second), "2010");
  // DisplayName built from the name parts.
  auto [s, b] = Post("/customer", Json{{"GivenName", "Grace"}, {"FamilyName", "Hopper"}});
  EXPECT_EQ(s, 200);
  EXPECT_EQ(b["Customer"]["DisplayName"], "Grace Hopper");
  // Hostile but legal characters are stored verbatim.
  std::string hostile = "O'Brien \"Quotes\" \\ 東京 🚀 %_;--";
  auto [hs, hb] = Post("/customer", Json{{"DisplayName", hostile}});
  EXPECT_EQ(hs, 200);
  EXPECT_EQ(hb["Customer"]["DisplayName"], hostile);
}

TEST_F(SandboxTest, WrongTypesAndHostileBodiesAreFaults) {
  std::string cust = NewCustomer("Typed");
  std::string item = NewItem("Typed Item");
  auto code = [&](const std::string& path, const std::string& body) { return FaultCode(PostText(path, body).second); };
  EXPECT_EQ(code("/customer", R"({"DisplayName":42})"), "2010");
  EXPECT_EQ(code("/customer", R"({"DisplayName":"T","Active":"yes"})"), "2010");
  EXPECT_EQ(code("/customer", R"({"Id":")" + cust + R"(","SyncToken":"0","sparse":"true","Notes":"x"})"), "2010");
  EXPECT_EQ(code("/customer", R"({"DisplayName":"T","PrimaryEmailAddr":{"Address":7}})"), "2010");
  EXPECT_EQ(code("/item", R"({"Name":"N","Type":1,"IncomeAccountRef":{"value":"2"}})"), "2010");
  EXPECT_EQ(code("/item", R"({"Name":"N","UnitPrice":"abc","IncomeAccountRef":{"value":"2"}})"), "2010");
  const std::string ref = R"("CustomerRef":{"value":")" + cust + R"("})";
  const std::string item_ref = R"({"ItemRef":{"value":")" + item + R"("}})";
  EXPECT_EQ(code("/invoice", "{" + ref + R"(,"Line":[{"Amount":1,"DetailType":5}]})"), "2010");
  EXPECT_EQ(code("/invoice", "{" + ref + R"(,"Line":[{"Amount":"abc","DetailType":"SalesItemLineDetail","SalesItemLineDetail":)" + item_ref + "}]}"), "2010");
  EXPECT_EQ(code("/invoice", "{" + ref + R"(,"Line":[{"Amount":1e12,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":)" + item_ref + "}]}"), "2010");
  EXPECT_EQ(code("/invoice", "{" + ref + R"(,"Line":"nope"})"), "2020");
  EXPECT_EQ(code("/invoice", "{" + ref + R"(,"Line":[1,2]})"), "2010");
  EXPECT_EQ(code("/invoice", "{" + ref + R"(,"Line":[{"Amount":1,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":"x"}}]})"), "2500");
  EXPECT_EQ(code("/invoice", R"({"CustomerRef":"58","Line":[]})"), "2500");
  EXPECT_EQ(code("/payment", "{" + ref + R"(,"TotalAmt":1,"Line":[{"Amount":1,"LinkedTxn":[{"TxnId":"1","TxnType":3}]}]})"), "2010");
  EXPECT_EQ(code("/customer", std::string(100, '[') + std::string(100, ']')), "2010");
  EXPECT_EQ(code("/customer", "[]"), "2010");
  EXPECT_EQ(code("/customer", ""), "2010");
  EXPECT_EQ(code("/batch", R"({"BatchItemRequest":[{"bId":"1","operation":7,"Customer":{"DisplayName":"B"}}]})"), "");
  auto [bs, b] = PostText("/batch", R"({"BatchItemRequest":[{"bId":"1","operation":7,"Customer":{"DisplayName":"B"}}, 5]})");
  EXPECT_EQ(bs, 200);
  EXPECT_EQ(b["BatchItemResponse"][0]["Fault"]["Error"][0]["code"], "2010");
  EXPECT_EQ(b["BatchItemResponse"][1]["Fault"]["Error"][0]["code"], "2010");
  // The server is still healthy.
  EXPECT_EQ(Get("/customer/" + cust).first, 200);
}

TEST_F(SandboxTest, StaleSyncTokenIs5010AndSparseUpdate) {
  std::string id = NewCustomer("Stale Co");
  auto [s1, u1] = Post("/customer", Json{{"Id", id}, {"SyncToken", "0"}, {"sparse", true}, {"CompanyName", "Stale Inc"}});
  ASSERT_EQ(s1, 200) << DumpJson(u1);
  EXPECT_EQ(u1["Customer"]["SyncToken"], "1");
  EXPECT_EQ(u1["Customer"]["DisplayName"], "Stale Co");  // sparse keeps other fields
  auto [s2, u2] = Post("/customer", Json{{"Id", id}, {"SyncToken", "0"}, {"sparse", true}, {"CompanyName", "Lost"}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(FaultCode(u2), "5010");
  EXPECT_EQ(u2["Fault"]["Error"][0]["Message"], "Stale Object Error");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"Id", "999"}, {"SyncToken", "0"}, {"sparse", true}}).second), "610");
  EXPECT_EQ(FaultCode(Post("/customer", Json{{"Id", "abc"}, {"SyncToken", "0"}}).second), "2030");
  EXPECT_EQ(FaultCode(Get("/customer/abc").second), "2030");
  EXPECT_EQ(FaultCode(Get("/customer/424242").second), "610");
}

TEST_F(SandboxTest, DeactivateAppendsDeletedAndHidesFromQueries) {
  std::string id = NewCustomer("Emily Platt");
  auto [s, b] = Post("/customer", Json{{"Id", id}, {"SyncToken", "0"}, {"sparse", true}, {"Active", false}});
  ASSERT_EQ(s, 200);
  EXPECT_EQ(b["Customer"]["DisplayName"], "Emily Platt (deleted)");
  EXPECT_EQ(Query("SELECT * FROM Customer WHERE DisplayName LIKE 'Emily%'").second["QueryResponse"], Json::object());
  auto [qs, q] = Query("SELECT * FROM Customer WHERE Active = false");
  ASSERT_EQ(qs, 200);
  EXPECT_EQ(q["QueryResponse"]["Customer"].size(), 1u);
  EXPECT_EQ(Query("SELECT * FROM Customer WHERE Active IN (true, false)").second["QueryResponse"]["Customer"].size(), 1u);
  // The original name is free again.
  NewCustomer("Emily Platt");
  // Delete is not an operation on name lists.
  EXPECT_EQ(Post("/customer?operation=delete", Json{{"Id", id}, {"SyncToken", "1"}}).first, 400);
}

TEST_F(SandboxTest, RequestIdReplaysWithoutExecutingTwice) {
  const std::string path = "/customer?requestid=wc-cust-1042";
  auto [s1, b1] = Post(path, Json{{"DisplayName", "Replay Ltd"}});
  ASSERT_EQ(s1, 200);
  http::Response again = Raw("POST", ApiUrl(path + "&minorversion=75"), DumpJson(Json{{"DisplayName", "Something Else"}}), Auth());
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(Parse(again.body)["Customer"]["Id"], b1["Customer"]["Id"]);
  EXPECT_EQ(again.body, DumpJson(b1));  // verbatim
  EXPECT_EQ(server_->CountEntities("Customer"), 1);
  // A fault is replayed too.
  auto [f1, fb1] = Post("/customer?requestid=dup-1", Json{{"DisplayName", "Replay Ltd"}});
  EXPECT_EQ(FaultCode(fb1), "6240");
  auto [f2, fb2] = Post("/customer?requestid=dup-1", Json{{"DisplayName", "Fresh Name"}});
  EXPECT_EQ(f2, 400);
  EXPECT_EQ(server_->CountEntities("Customer"), 1);
  EXPECT_EQ(FaultCode(Post("/customer?requestid=" + std::string(51, 'r'), Json{{"DisplayName", "Long"}}).second), "2050");
}

TEST_F(SandboxTest, ItemRules) {
  EXPECT_EQ(FaultCode(Post("/item", Json{{"Name", "No Account"}, {"Type", "NonInventory"}}).second), "2020");
  EXPECT_EQ(FaultCode(Post("/item", Json{{"Name", "Inv"}, {"Type", "Inventory"}, {"IncomeAccountRef", {{"value", "2"}}}}).second), "2020");
  EXPECT_EQ(FaultCode(Post("/item", Json{{"Name", "Ghost"}, {"IncomeAccountRef", {{"value", "999"}}}}).second), "2500");
  std::string id = NewItem("Hoodie - Blue - M");
  EXPECT_EQ(FaultCode(Post("/item", Json{{"Name", "HOODIE - BLUE - M"}, {"IncomeAccountRef", {{"value", "2"}}}}).second), "6240");
  auto [s, inv] = Post("/item", Json{{"Name", "Mug"}, {"Sku", "MUG-1"}, {"Type", "Inventory"}, {"TrackQtyOnHand", true},
                                     {"QtyOnHand", 25}, {"InvStartDate", "2026-01-01"}, {"UnitPrice", ParseJson("49.00").value()},
                                     {"IncomeAccountRef", {{"value", "2"}}}, {"ExpenseAccountRef", {{"value", "3"}}},
                                     {"AssetAccountRef", {{"value", "4"}}}});
  ASSERT_EQ(s, 200) << DumpJson(inv);
  EXPECT_EQ(inv["Item"]["IncomeAccountRef"]["name"], "Sales of Product Income");
  std::string cust = NewCustomer("Stock Buyer");
  auto [is, invoice] = Post("/invoice", Json{{"CustomerRef", {{"value", cust}}},
                                             {"Line", Json::array({Json{{"Amount", 98}, {"DetailType", "SalesItemLineDetail"},
                                                                        {"SalesItemLineDetail", {{"ItemRef", {{"value", inv["Item"]["Id"]}}}, {"Qty", 2}, {"UnitPrice", 49}}}}})}});
  ASSERT_EQ(is, 200) << DumpJson(invoice);
  auto [gs, item] = Get("/item/" + inv["Item"]["Id"].get<std::string>());
  EXPECT_EQ(ScalarText(item["Item"]["QtyOnHand"]), "23");
  auto [qs, q] = Query("SELECT * FROM Item WHERE Sku = 'MUG-1'");
  EXPECT_EQ(q["QueryResponse"]["Item"].size(), 1u);
  (void)id;
}

TEST_F(SandboxTest, TotalsAreExact) {
  std::string cust = NewCustomer("Totals Inc");
  std::string item = NewItem("Widget");
  Json line = Json{{"Amount", ParseJson("9.99").value()}, {"DetailType", "SalesItemLineDetail"},
                   {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}, {"Qty", 3}, {"UnitPrice", ParseJson("3.33").value()},
                                            {"TaxCodeRef", {{"value", "TAX"}}}}}};
  Json shipping = Json{{"Amount", ParseJson("5.00").value()}, {"DetailType", "SalesItemLineDetail"},
                       {"SalesItemLineDetail", {{"ItemRef", {{"value", "SHIPPING_ITEM_ID"}}}}}};
  // Tax override: TotalAmt = 9.99 + 5.00 + 0.83.
  http::Response r = Raw("POST", ApiUrl("/invoice?minorversion=75"),
                         DumpJson(Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line, shipping})},
                                       {"TxnTaxDetail", {{"TxnTaxCodeRef", {{"value", "2"}}}, {"TotalTax", ParseJson("0.83").value()}}}}),
                         Auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"TotalAmt\":15.82"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"Balance\":15.82"), std::string::npos);
  Json inv = Parse(r.body)["Invoice"];
  ASSERT_EQ(inv["Line"].size(), 3u);
  EXPECT_EQ(inv["Line"][0]["Id"], "1");
  EXPECT_EQ(inv["Line"][0]["LineNum"], 1);
  EXPECT_EQ(inv["Line"][1]["DetailType"], "SubTotalLineDetail");
  EXPECT_FALSE(inv["Line"][1].contains("Id"));
  EXPECT_EQ(Money(inv["Line"][1]["Amount"]), "9.99");
  EXPECT_EQ(Money(inv["TxnTaxDetail"]["TotalTax"]), "0.83");
  EXPECT_EQ(inv["DocNumber"], "1001");

  // Computed tax: Texas (6.25 % + 2 %) on 100.00 taxable, 20.00 non-taxable, 10 % discount.
  Json l1 = {{"Amount", 100}, {"DetailType", "SalesItemLineDetail"},
             {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}, {"TaxCodeRef", {{"value", "TAX"}}}}}};
  Json l2 = {{"Amount", 20}, {"DetailType", "SalesItemLineDetail"},
             {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}, {"TaxCodeRef", {{"value", "NON"}}}}}};
  Json disc = {{"Amount", 0}, {"DetailType", "DiscountLineDetail"}, {"DiscountLineDetail", {{"PercentBased", true}, {"DiscountPercent", 10}}}};
  auto [s2, b2] = Post("/salesreceipt", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({l1, l2, disc})},
                                            {"TxnTaxDetail", {{"TxnTaxCodeRef", {{"value", "3"}}}}}});
  ASSERT_EQ(s2, 200) << DumpJson(b2);
  const Json& sr = b2["SalesReceipt"];
  EXPECT_EQ(Money(sr["TxnTaxDetail"]["TotalTax"]), "8.25");  // tax before discount
  EXPECT_EQ(sr["TxnTaxDetail"]["TaxLine"].size(), 2u);
  EXPECT_EQ(Money(sr["TotalAmt"]), "116.25");  // 120 - 12 + 8.25
  EXPECT_EQ(ScalarText(sr["Balance"]), "0");
  EXPECT_EQ(sr["DepositToAccountRef"]["value"], "5");

  // California 8 %: 0.7992 rounds half up to 0.80.
  auto [s3, b3] = Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})},
                                       {"TxnTaxDetail", {{"TxnTaxCodeRef", {{"value", "2"}}}}}});
  ASSERT_EQ(s3, 200);
  EXPECT_EQ(Money(b3["Invoice"]["TotalAmt"]), "10.79");

  // Qty × UnitPrice must match Amount.
  Json bad = line;
  bad["Amount"] = ParseJson("10.00").value();
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({bad})}}).second), "6070");
}

TEST_F(SandboxTest, SalesFormValidation) {
  std::string cust = NewCustomer("Rules Co");
  std::string item = NewItem("Gadget");
  Json line = {{"Amount", 10}, {"DetailType", "SalesItemLineDetail"}, {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}}}};
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"Line", Json::array({line})}}).second), "2020");
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}}).second), "2020");
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", "777"}}}, {"Line", Json::array({line})}}).second), "2500");
  Json no_amount = line;
  no_amount.erase("Amount");
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({no_amount})}}).second), "2020");
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}, {"DocNumber", std::string(22, '1')}}).second), "2050");
  Json cf = Json::array();
  for (int i = 1; i <= 4; ++i) cf.push_back(Json{{"DefinitionId", std::to_string(i)}, {"StringValue", "x"}});
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}, {"CustomField", cf}}).second), "2050");
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}, {"ShipItemRef", {{"value", "1"}}}}).second), "2010");
  // An inactive item is 610.
  auto [gs, it] = Get("/item/" + item);
  Post("/item", Json{{"Id", item}, {"SyncToken", it["Item"]["SyncToken"]}, {"sparse", true}, {"Active", false}});
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}}).second), "610");
  // SHIPPING_ITEM_ID needs AllowShipping.
  Json ship = {{"Amount", 5}, {"DetailType", "SalesItemLineDetail"}, {"SalesItemLineDetail", {{"ItemRef", {{"value", "SHIPPING_ITEM_ID"}}}}}};
  auto [ps, prefs] = Get("/preferences");
  auto [us, up] = Post("/preferences", Json{{"SyncToken", prefs["Preferences"]["SyncToken"]}, {"sparse", true},
                                            {"SalesFormsPrefs", {{"AllowShipping", false}}}});
  ASSERT_EQ(us, 200) << DumpJson(up);
  EXPECT_EQ(FaultCode(Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({ship})}}).second), "2500");
}

TEST_F(SandboxTest, PaymentsLinkAndReduceBalance) {
  std::string cust = NewCustomer("Payer");
  std::string other = NewCustomer("Other");
  std::string item = NewItem("Thing");
  Json line = {{"Amount", 100}, {"DetailType", "SalesItemLineDetail"}, {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}}}};
  auto [s, inv] = Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}});
  ASSERT_EQ(s, 200);
  std::string inv_id = inv["Invoice"]["Id"];
  auto link = [&](const std::string& amount) {
    return Json::array({Json{{"Amount", ParseJson(amount).value()},
                             {"LinkedTxn", Json::array({Json{{"TxnId", inv_id}, {"TxnType", "Invoice"}}})}}});
  };
  EXPECT_EQ(FaultCode(Post("/payment", Json{{"CustomerRef", {{"value", cust}}}, {"TotalAmt", 150}, {"Line", link("150")}}).second), "6000");
  EXPECT_EQ(FaultCode(Post("/payment", Json{{"CustomerRef", {{"value", other}}}, {"TotalAmt", 10}, {"Line", link("10")}}).second), "6000");
  auto [ps, pay] = Post("/payment", Json{{"CustomerRef", {{"value", cust}}}, {"TotalAmt", ParseJson("60.50").value()}, {"Line", link("60.50")}});
  ASSERT_EQ(ps, 200) << DumpJson(pay);
  EXPECT_EQ(ScalarText(pay["Payment"]["UnappliedAmt"]), "0");
  auto [gs, got] = Get("/invoice/" + inv_id);
  EXPECT_EQ(Money(got["Invoice"]["Balance"]), "39.50");
  EXPECT_EQ(got["Invoice"]["SyncToken"], "1");
  EXPECT_EQ(got["Invoice"]["LinkedTxn"][0]["TxnType"], "Payment");
  EXPECT_EQ(got["Invoice"]["LinkedTxn"][0]["TxnId"], pay["Payment"]["Id"]);
  auto [cs, c] = Get("/customer/" + cust);
  EXPECT_EQ(Money(c["Customer"]["Balance"]), "39.50");
  // Deleting the payment restores the balance.
  auto [ds, del] = Post("/payment?operation=delete", Json{{"Id", pay["Payment"]["Id"]}, {"SyncToken", "0"}});
  ASSERT_EQ(ds, 200) << DumpJson(del);
  EXPECT_EQ(del["Payment"]["status"], "Deleted");
  EXPECT_EQ(Money(Get("/invoice/" + inv_id).second["Invoice"]["Balance"]), "100.00");
}

TEST_F(SandboxTest, DeleteAndVoid) {
  std::string cust = NewCustomer("Voider");
  std::string item = NewItem("Stuff");
  Json line = {{"Amount", 42}, {"DetailType", "SalesItemLineDetail"}, {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}}}};
  auto [s, a] = Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}});
  std::string id = a["Invoice"]["Id"];
  auto [vs, v] = Post("/invoice?operation=void", Json{{"Id", id}, {"SyncToken", "0"}});
  ASSERT_EQ(vs, 200) << DumpJson(v);
  EXPECT_EQ(ScalarText(v["Invoice"]["TotalAmt"]), "0");
  EXPECT_EQ(v["Invoice"]["PrivateNote"], "Voided");
  EXPECT_EQ(v["Invoice"]["SyncToken"], "1");
  EXPECT_EQ(FaultCode(Post("/invoice?operation=delete", Json{{"Id", id}, {"SyncToken", "0"}}).second), "5010");
  auto [ds, d] = Post("/invoice?operation=delete", Json{{"Id", id}, {"SyncToken", "1"}});
  ASSERT_EQ(ds, 200);
  EXPECT_EQ(d["Invoice"], (Json{{"domain", "QBO"}, {"status", "Deleted"}, {"Id", id}}));
  EXPECT_EQ(FaultCode(Get("/invoice/" + id).second), "610");
  EXPECT_EQ(server_->CountEntities("Invoice"), 0);
}

TEST_F(SandboxTest, CompanyInfoPreferencesAndReadOnlyLists) {
  auto [s, ci] = Get("/companyinfo/" + server_->options().realm_id);
  ASSERT_EQ(s, 200);
  EXPECT_EQ(ci["CompanyInfo"]["Country"], "US");
  auto [ps, prefs] = Get("/preferences");
  EXPECT_EQ(prefs["Preferences"]["SalesFormsPrefs"]["AllowShipping"], true);
  auto [ts, tax] = Query("SELECT * FROM TaxCode");
  EXPECT_EQ(tax["QueryResponse"]["TaxCode"].size(), 4u);
  EXPECT_EQ(Get("/taxcode/TAX").first, 200);
  EXPECT_EQ(Post("/taxcode", Json{{"Name", "New"}}).first, 400);
  auto [as, acc] = Query("select * from Account where Name = 'Undeposited Funds'");
  EXPECT_EQ(acc["QueryResponse"]["Account"][0]["Id"], "5");
}

// DocNumber and Id lookups go through indexes; they must answer what a scan
// answers: case-insensitive text, renumbered and deleted documents, order.
TEST_F(SandboxTest, DocNumberAndIdLookupsFollowWrites) {
  std::string cust = NewCustomer("Indexed");
  std::string item = NewItem("Indexed item");
  Json line = {{"Amount", 10}, {"DetailType", "SalesItemLineDetail"}, {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}}}};
  auto make = [&](const std::string& doc) {
    auto [s, b] = Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}, {"DocNumber", doc}});
    EXPECT_EQ(s, 200) << DumpJson(b);
    return b["Invoice"].value("Id", "");
  };
  std::string a = make("WC-1"), b = make("wc-2"), c = make("WC-3");
  auto ids = [&](const std::string& stmt) {
    std::vector<std::string> out;
    auto [s, body] = Query(stmt);
    EXPECT_EQ(s, 200) << DumpJson(body);
    if (body.contains("QueryResponse") && body["QueryResponse"].contains("Invoice"))
      for (const Json& row : body["QueryResponse"]["Invoice"]) out.push_back(row.value("Id", ""));
    return out;
  };
  EXPECT_EQ(ids("SELECT * FROM Invoice WHERE DocNumber = 'wc-1'"), std::vector<std::string>{a});
  EXPECT_EQ(ids("SELECT * FROM Invoice WHERE DocNumber IN ('WC-3', 'WC-2', 'nope', 'WC-3')"),
            (std::vector<std::string>{b, c}));
  EXPECT_EQ(ids("SELECT * FROM Invoice WHERE Id IN ('" + c + "', '" + a + "', '999999')"),
            (std::vector<std::string>{a, c}));
  // Renumbered: found under the new number only.
  auto [us, u] = Post("/invoice", Json{{"Id", a}, {"SyncToken", "0"}, {"sparse", true}, {"DocNumber", "WC-9"}});
  ASSERT_EQ(us, 200) << DumpJson(u);
  EXPECT_TRUE(ids("SELECT * FROM Invoice WHERE DocNumber = 'WC-1'").empty());
  EXPECT_EQ(ids("SELECT * FROM Invoice WHERE DocNumber = 'WC-9'"), std::vector<std::string>{a});
  // Deleted: gone from the lookups; other conditions still apply.
  ASSERT_EQ(Post("/invoice?operation=delete", Json{{"Id", b}, {"SyncToken", "0"}}).first, 200);
  EXPECT_TRUE(ids("SELECT * FROM Invoice WHERE DocNumber = 'WC-2'").empty());
  EXPECT_TRUE(ids("SELECT * FROM Invoice WHERE DocNumber = 'WC-3' AND TotalAmt > 100").empty());
  auto [cs, count] = Query("SELECT COUNT(*) FROM Invoice WHERE DocNumber IN ('WC-9', 'WC-3')");
  EXPECT_EQ(count["QueryResponse"]["totalCount"], 2) << DumpJson(count);
}

}  // namespace
}  // namespace es::qbo::sandbox
