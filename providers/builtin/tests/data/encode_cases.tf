terraform {
  required_providers {
    terraform = { source = "terraform.io/builtin/terraform" }
  }
}
output "v000" { value = [[]] }
output "e000" { value = provider::terraform::encode_expr([[]]) }
output "t000" { value = try(provider::terraform::encode_tfvars([[]]), "ERROR") }
output "v001" { value = "é€" }
output "e001" { value = provider::terraform::encode_expr("é€") }
output "t001" { value = try(provider::terraform::encode_tfvars("é€"), "ERROR") }
output "v002" { value = 1e3 }
output "e002" { value = provider::terraform::encode_expr(1e3) }
output "t002" { value = try(provider::terraform::encode_tfvars(1e3), "ERROR") }
output "v003" { value = "é€" }
output "e003" { value = provider::terraform::encode_expr("é€") }
output "t003" { value = try(provider::terraform::encode_tfvars("é€"), "ERROR") }
output "v004" { value = -2.5 }
output "e004" { value = provider::terraform::encode_expr(-2.5) }
output "t004" { value = try(provider::terraform::encode_tfvars(-2.5), "ERROR") }
output "v005" { value = [] }
output "e005" { value = provider::terraform::encode_expr([]) }
output "t005" { value = try(provider::terraform::encode_tfvars([]), "ERROR") }
output "v006" { value = "é€" }
output "e006" { value = provider::terraform::encode_expr("é€") }
output "t006" { value = try(provider::terraform::encode_tfvars("é€"), "ERROR") }
output "v007" { value = [] }
output "e007" { value = provider::terraform::encode_expr([]) }
output "t007" { value = try(provider::terraform::encode_tfvars([]), "ERROR") }
output "v008" { value = {"a" = "s", "\u00fc" = "s", "x" = tolist(["r", "r"]), "bb" = 1e3} }
output "e008" { value = provider::terraform::encode_expr({"a" = "s", "\u00fc" = "s", "x" = tolist(["r", "r"]), "bb" = 1e3}) }
output "t008" { value = try(provider::terraform::encode_tfvars({"a" = "s", "\u00fc" = "s", "x" = tolist(["r", "r"]), "bb" = 1e3}), "ERROR") }
output "v009" { value = tolist(["q"]) }
output "e009" { value = provider::terraform::encode_expr(tolist(["q"])) }
output "t009" { value = try(provider::terraform::encode_tfvars(tolist(["q"])), "ERROR") }
output "v010" { value = 0 }
output "e010" { value = provider::terraform::encode_expr(0) }
output "t010" { value = try(provider::terraform::encode_tfvars(0), "ERROR") }
output "v011" { value = 1 }
output "e011" { value = provider::terraform::encode_expr(1) }
output "t011" { value = try(provider::terraform::encode_tfvars(1), "ERROR") }
output "v012" { value = toset(["r", "r", "q"]) }
output "e012" { value = provider::terraform::encode_expr(toset(["r", "r", "q"])) }
output "t012" { value = try(provider::terraform::encode_tfvars(toset(["r", "r", "q"])), "ERROR") }
output "v013" { value = {"long_name_here" = "s", "_u" = tomap({"bb" = "n"}), "c-d" = tolist(["r", "q"])} }
output "e013" { value = provider::terraform::encode_expr({"long_name_here" = "s", "_u" = tomap({"bb" = "n"}), "c-d" = tolist(["r", "q"])}) }
output "t013" { value = try(provider::terraform::encode_tfvars({"long_name_here" = "s", "_u" = tomap({"bb" = "n"}), "c-d" = tolist(["r", "q"])}), "ERROR") }
output "v014" { value = -2.5 }
output "e014" { value = provider::terraform::encode_expr(-2.5) }
output "t014" { value = try(provider::terraform::encode_tfvars(-2.5), "ERROR") }
output "v015" { value = null }
output "e015" { value = "NULL" }
output "t015" { value = try(provider::terraform::encode_tfvars(null), "ERROR") }
output "v016" { value = false }
output "e016" { value = provider::terraform::encode_expr(false) }
output "t016" { value = try(provider::terraform::encode_tfvars(false), "ERROR") }
output "v017" { value = "$${x}" }
output "e017" { value = provider::terraform::encode_expr("$${x}") }
output "t017" { value = try(provider::terraform::encode_tfvars("$${x}"), "ERROR") }
output "v018" { value = [] }
output "e018" { value = provider::terraform::encode_expr([]) }
output "t018" { value = try(provider::terraform::encode_tfvars([]), "ERROR") }
output "v019" { value = {"_u" = tolist(["p", "p", "q"]), "x" = [], "long_name_here" = 0, "c-d" = [null, {"a" = 1e3, "long_name_here" = 1}, true]} }
output "e019" { value = provider::terraform::encode_expr({"_u" = tolist(["p", "p", "q"]), "x" = [], "long_name_here" = 0, "c-d" = [null, {"a" = 1e3, "long_name_here" = 1}, true]}) }
output "t019" { value = try(provider::terraform::encode_tfvars({"_u" = tolist(["p", "p", "q"]), "x" = [], "long_name_here" = 0, "c-d" = [null, {"a" = 1e3, "long_name_here" = 1}, true]}), "ERROR") }
output "v020" { value = "a\"b\n" }
output "e020" { value = provider::terraform::encode_expr("a\"b\n") }
output "t020" { value = try(provider::terraform::encode_tfvars("a\"b\n"), "ERROR") }
output "v021" { value = ["$${x}", [{"x" = false, "1x" = null, "_u" = "s"}, "s"], "a\"b\n"] }
output "e021" { value = provider::terraform::encode_expr(["$${x}", [{"x" = false, "1x" = null, "_u" = "s"}, "s"], "a\"b\n"]) }
output "t021" { value = try(provider::terraform::encode_tfvars(["$${x}", [{"x" = false, "1x" = null, "_u" = "s"}, "s"], "a\"b\n"]), "ERROR") }
output "v022" { value = 1e3 }
output "e022" { value = provider::terraform::encode_expr(1e3) }
output "t022" { value = try(provider::terraform::encode_tfvars(1e3), "ERROR") }
output "v023" { value = true }
output "e023" { value = provider::terraform::encode_expr(true) }
output "t023" { value = try(provider::terraform::encode_tfvars(true), "ERROR") }
output "v024" { value = null }
output "e024" { value = "NULL" }
output "t024" { value = try(provider::terraform::encode_tfvars(null), "ERROR") }
output "v025" { value = tolist(["p", "r"]) }
output "e025" { value = provider::terraform::encode_expr(tolist(["p", "r"])) }
output "t025" { value = try(provider::terraform::encode_tfvars(tolist(["p", "r"])), "ERROR") }
output "v026" { value = {"a" = {"\u00fc" = "\t", "x" = ["a\"b\n"], "with space" = []}, "long_name_here" = [], "\u00fc" = 1e3, "_u" = -2.5} }
output "e026" { value = provider::terraform::encode_expr({"a" = {"\u00fc" = "\t", "x" = ["a\"b\n"], "with space" = []}, "long_name_here" = [], "\u00fc" = 1e3, "_u" = -2.5}) }
output "t026" { value = try(provider::terraform::encode_tfvars({"a" = {"\u00fc" = "\t", "x" = ["a\"b\n"], "with space" = []}, "long_name_here" = [], "\u00fc" = 1e3, "_u" = -2.5}), "ERROR") }
output "v027" { value = {"a" = toset(["r"]), "bb" = false, "\u00fc" = toset(["p", "p", "q"]), "long_name_here" = {"long_name_here" = -2.5, "x" = tomap({"long_name_here" = "m", "x" = "m"}), "c-d" = "é€"}} }
output "e027" { value = provider::terraform::encode_expr({"a" = toset(["r"]), "bb" = false, "\u00fc" = toset(["p", "p", "q"]), "long_name_here" = {"long_name_here" = -2.5, "x" = tomap({"long_name_here" = "m", "x" = "m"}), "c-d" = "é€"}}) }
output "t027" { value = try(provider::terraform::encode_tfvars({"a" = toset(["r"]), "bb" = false, "\u00fc" = toset(["p", "p", "q"]), "long_name_here" = {"long_name_here" = -2.5, "x" = tomap({"long_name_here" = "m", "x" = "m"}), "c-d" = "é€"}}), "ERROR") }
output "v028" { value = [] }
output "e028" { value = provider::terraform::encode_expr([]) }
output "t028" { value = try(provider::terraform::encode_tfvars([]), "ERROR") }
output "v029" { value = {"bb" = tolist(["q"]), "1x" = {"x" = toset(["p"]), "_u" = {"with space" = false}, "long_name_here" = tomap({}), "bb" = {"1x" = false, "with space" = 0, "_u" = false}}} }
output "e029" { value = provider::terraform::encode_expr({"bb" = tolist(["q"]), "1x" = {"x" = toset(["p"]), "_u" = {"with space" = false}, "long_name_here" = tomap({}), "bb" = {"1x" = false, "with space" = 0, "_u" = false}}}) }
output "t029" { value = try(provider::terraform::encode_tfvars({"bb" = tolist(["q"]), "1x" = {"x" = toset(["p"]), "_u" = {"with space" = false}, "long_name_here" = tomap({}), "bb" = {"1x" = false, "with space" = 0, "_u" = false}}}), "ERROR") }
output "v030" { value = -2.5 }
output "e030" { value = provider::terraform::encode_expr(-2.5) }
output "t030" { value = try(provider::terraform::encode_tfvars(-2.5), "ERROR") }
output "v031" { value = "a\"b\n" }
output "e031" { value = provider::terraform::encode_expr("a\"b\n") }
output "t031" { value = try(provider::terraform::encode_tfvars("a\"b\n"), "ERROR") }
output "v032" { value = [toset([]), [{}, {}], {"long_name_here" = {"_u" = 0, "bb" = null, "\u00fc" = -2.5}}] }
output "e032" { value = provider::terraform::encode_expr([toset([]), [{}, {}], {"long_name_here" = {"_u" = 0, "bb" = null, "\u00fc" = -2.5}}]) }
output "t032" { value = try(provider::terraform::encode_tfvars([toset([]), [{}, {}], {"long_name_here" = {"_u" = 0, "bb" = null, "\u00fc" = -2.5}}]), "ERROR") }
output "v033" { value = tomap({"c-d" = "m"}) }
output "e033" { value = provider::terraform::encode_expr(tomap({"c-d" = "m"})) }
output "t033" { value = try(provider::terraform::encode_tfvars(tomap({"c-d" = "m"})), "ERROR") }
output "v034" { value = "$${x}" }
output "e034" { value = provider::terraform::encode_expr("$${x}") }
output "t034" { value = try(provider::terraform::encode_tfvars("$${x}"), "ERROR") }
output "v035" { value = {"long_name_here" = tomap({"c-d" = "m", "a" = "m"})} }
output "e035" { value = provider::terraform::encode_expr({"long_name_here" = tomap({"c-d" = "m", "a" = "m"})}) }
output "t035" { value = try(provider::terraform::encode_tfvars({"long_name_here" = tomap({"c-d" = "m", "a" = "m"})}), "ERROR") }
output "v036" { value = {} }
output "e036" { value = provider::terraform::encode_expr({}) }
output "t036" { value = try(provider::terraform::encode_tfvars({}), "ERROR") }
output "v037" { value = tolist(["q"]) }
output "e037" { value = provider::terraform::encode_expr(tolist(["q"])) }
output "t037" { value = try(provider::terraform::encode_tfvars(tolist(["q"])), "ERROR") }
output "v038" { value = {"with space" = "a\"b\n"} }
output "e038" { value = provider::terraform::encode_expr({"with space" = "a\"b\n"}) }
output "t038" { value = try(provider::terraform::encode_tfvars({"with space" = "a\"b\n"}), "ERROR") }
output "v039" { value = "a\"b\n" }
output "e039" { value = provider::terraform::encode_expr("a\"b\n") }
output "t039" { value = try(provider::terraform::encode_tfvars("a\"b\n"), "ERROR") }
output "v040" { value = {"1x" = {}, "\u00fc" = {"long_name_here" = {"c-d" = "$${x}", "x" = 1e3, "1x" = "s", "\u00fc" = "$${x}"}, "\u00fc" = toset([])}} }
output "e040" { value = provider::terraform::encode_expr({"1x" = {}, "\u00fc" = {"long_name_here" = {"c-d" = "$${x}", "x" = 1e3, "1x" = "s", "\u00fc" = "$${x}"}, "\u00fc" = toset([])}}) }
output "t040" { value = try(provider::terraform::encode_tfvars({"1x" = {}, "\u00fc" = {"long_name_here" = {"c-d" = "$${x}", "x" = 1e3, "1x" = "s", "\u00fc" = "$${x}"}, "\u00fc" = toset([])}}), "ERROR") }
output "v041" { value = tolist(["r", "r"]) }
output "e041" { value = provider::terraform::encode_expr(tolist(["r", "r"])) }
output "t041" { value = try(provider::terraform::encode_tfvars(tolist(["r", "r"])), "ERROR") }
output "v042" { value = tolist(["p", "r", "p"]) }
output "e042" { value = provider::terraform::encode_expr(tolist(["p", "r", "p"])) }
output "t042" { value = try(provider::terraform::encode_tfvars(tolist(["p", "r", "p"])), "ERROR") }
output "v043" { value = true }
output "e043" { value = provider::terraform::encode_expr(true) }
output "t043" { value = try(provider::terraform::encode_tfvars(true), "ERROR") }
output "v044" { value = -2.5 }
output "e044" { value = provider::terraform::encode_expr(-2.5) }
output "t044" { value = try(provider::terraform::encode_tfvars(-2.5), "ERROR") }
output "v045" { value = tolist([]) }
output "e045" { value = provider::terraform::encode_expr(tolist([])) }
output "t045" { value = try(provider::terraform::encode_tfvars(tolist([])), "ERROR") }
output "v046" { value = {} }
output "e046" { value = provider::terraform::encode_expr({}) }
output "t046" { value = try(provider::terraform::encode_tfvars({}), "ERROR") }
output "v047" { value = [tomap({"x" = "n", "x" = "m", "x" = "n"})] }
output "e047" { value = provider::terraform::encode_expr([tomap({"x" = "n", "x" = "m", "x" = "n"})]) }
output "t047" { value = try(provider::terraform::encode_tfvars([tomap({"x" = "n", "x" = "m", "x" = "n"})]), "ERROR") }
output "v048" { value = {"long_name_here" = -2.5} }
output "e048" { value = provider::terraform::encode_expr({"long_name_here" = -2.5}) }
output "t048" { value = try(provider::terraform::encode_tfvars({"long_name_here" = -2.5}), "ERROR") }
output "v049" { value = ["a\"b\n", [tomap({})]] }
output "e049" { value = provider::terraform::encode_expr(["a\"b\n", [tomap({})]]) }
output "t049" { value = try(provider::terraform::encode_tfvars(["a\"b\n", [tomap({})]]), "ERROR") }
output "v050" { value = {"_u" = "s"} }
output "e050" { value = provider::terraform::encode_expr({"_u" = "s"}) }
output "t050" { value = try(provider::terraform::encode_tfvars({"_u" = "s"}), "ERROR") }
output "v051" { value = {"bb" = ["\t", {"\u00fc" = null}, [-2.5]]} }
output "e051" { value = provider::terraform::encode_expr({"bb" = ["\t", {"\u00fc" = null}, [-2.5]]}) }
output "t051" { value = try(provider::terraform::encode_tfvars({"bb" = ["\t", {"\u00fc" = null}, [-2.5]]}), "ERROR") }
output "v052" { value = tomap({}) }
output "e052" { value = provider::terraform::encode_expr(tomap({})) }
output "t052" { value = try(provider::terraform::encode_tfvars(tomap({})), "ERROR") }
output "v053" { value = [[], [tolist([]), "a\"b\n"], {}] }
output "e053" { value = provider::terraform::encode_expr([[], [tolist([]), "a\"b\n"], {}]) }
output "t053" { value = try(provider::terraform::encode_tfvars([[], [tolist([]), "a\"b\n"], {}]), "ERROR") }
output "v054" { value = true }
output "e054" { value = provider::terraform::encode_expr(true) }
output "t054" { value = try(provider::terraform::encode_tfvars(true), "ERROR") }
output "v055" { value = "s" }
output "e055" { value = provider::terraform::encode_expr("s") }
output "t055" { value = try(provider::terraform::encode_tfvars("s"), "ERROR") }
output "v056" { value = "s" }
output "e056" { value = provider::terraform::encode_expr("s") }
output "t056" { value = try(provider::terraform::encode_tfvars("s"), "ERROR") }
output "v057" { value = {"\u00fc" = tolist(["r", "q", "p"]), "c-d" = 0} }
output "e057" { value = provider::terraform::encode_expr({"\u00fc" = tolist(["r", "q", "p"]), "c-d" = 0}) }
output "t057" { value = try(provider::terraform::encode_tfvars({"\u00fc" = tolist(["r", "q", "p"]), "c-d" = 0}), "ERROR") }
output "v058" { value = -2.5 }
output "e058" { value = provider::terraform::encode_expr(-2.5) }
output "t058" { value = try(provider::terraform::encode_tfvars(-2.5), "ERROR") }
output "v059" { value = 1 }
output "e059" { value = provider::terraform::encode_expr(1) }
output "t059" { value = try(provider::terraform::encode_tfvars(1), "ERROR") }
output "v060" { value = {ccc = "a\"b\n"} }
output "e060" { value = provider::terraform::encode_expr({ccc = "a\"b\n"}) }
output "t060" { value = try(provider::terraform::encode_tfvars({ccc = "a\"b\n"}), "ERROR") }
output "v061" { value = {ccc = {"a" = [1, "a\"b\n"], "_u" = {"1x" = "a\"b\n"}, "1x" = {"x" = "é€", "with space" = true}}} }
output "e061" { value = provider::terraform::encode_expr({ccc = {"a" = [1, "a\"b\n"], "_u" = {"1x" = "a\"b\n"}, "1x" = {"x" = "é€", "with space" = true}}}) }
output "t061" { value = try(provider::terraform::encode_tfvars({ccc = {"a" = [1, "a\"b\n"], "_u" = {"1x" = "a\"b\n"}, "1x" = {"x" = "é€", "with space" = true}}}), "ERROR") }
output "v062" { value = {a = 0, ccc = tolist(["r"]), e-e = ["\t", [null, true, "a\"b\n"], [false]]} }
output "e062" { value = provider::terraform::encode_expr({a = 0, ccc = tolist(["r"]), e-e = ["\t", [null, true, "a\"b\n"], [false]]}) }
output "t062" { value = try(provider::terraform::encode_tfvars({a = 0, ccc = tolist(["r"]), e-e = ["\t", [null, true, "a\"b\n"], [false]]}), "ERROR") }
output "v063" { value = {bb = "\t"} }
output "e063" { value = provider::terraform::encode_expr({bb = "\t"}) }
output "t063" { value = try(provider::terraform::encode_tfvars({bb = "\t"}), "ERROR") }
output "v064" { value = {d_d = null, bb = {"with space" = "s", "1x" = "$${x}"}, a = false} }
output "e064" { value = provider::terraform::encode_expr({d_d = null, bb = {"with space" = "s", "1x" = "$${x}"}, a = false}) }
output "t064" { value = try(provider::terraform::encode_tfvars({d_d = null, bb = {"with space" = "s", "1x" = "$${x}"}, a = false}), "ERROR") }
output "v065" { value = {e-e = true, ccc = "s", a = null} }
output "e065" { value = provider::terraform::encode_expr({e-e = true, ccc = "s", a = null}) }
output "t065" { value = try(provider::terraform::encode_tfvars({e-e = true, ccc = "s", a = null}), "ERROR") }
output "v066" { value = {d_d = "\t"} }
output "e066" { value = provider::terraform::encode_expr({d_d = "\t"}) }
output "t066" { value = try(provider::terraform::encode_tfvars({d_d = "\t"}), "ERROR") }
output "v067" { value = {bb = -2.5, a = 1e3} }
output "e067" { value = provider::terraform::encode_expr({bb = -2.5, a = 1e3}) }
output "t067" { value = try(provider::terraform::encode_tfvars({bb = -2.5, a = 1e3}), "ERROR") }
output "v068" { value = {d_d = true} }
output "e068" { value = provider::terraform::encode_expr({d_d = true}) }
output "t068" { value = try(provider::terraform::encode_tfvars({d_d = true}), "ERROR") }
output "v069" { value = {a = tomap({"_u" = "n", "c-d" = "n", "c-d" = "m"}), bb = {"\u00fc" = tolist([]), "c-d" = {"with space" = false, "bb" = null, "a" = "é€", "\u00fc" = 1}, "1x" = toset(["q"]), "x" = "$${x}"}} }
output "e069" { value = provider::terraform::encode_expr({a = tomap({"_u" = "n", "c-d" = "n", "c-d" = "m"}), bb = {"\u00fc" = tolist([]), "c-d" = {"with space" = false, "bb" = null, "a" = "é€", "\u00fc" = 1}, "1x" = toset(["q"]), "x" = "$${x}"}}) }
output "t069" { value = try(provider::terraform::encode_tfvars({a = tomap({"_u" = "n", "c-d" = "n", "c-d" = "m"}), bb = {"\u00fc" = tolist([]), "c-d" = {"with space" = false, "bb" = null, "a" = "é€", "\u00fc" = 1}, "1x" = toset(["q"]), "x" = "$${x}"}}), "ERROR") }
output "v070" { value = {e-e = {}} }
output "e070" { value = provider::terraform::encode_expr({e-e = {}}) }
output "t070" { value = try(provider::terraform::encode_tfvars({e-e = {}}), "ERROR") }
output "v071" { value = {d_d = -2.5} }
output "e071" { value = provider::terraform::encode_expr({d_d = -2.5}) }
output "t071" { value = try(provider::terraform::encode_tfvars({d_d = -2.5}), "ERROR") }
output "v072" { value = {bb = tomap({"long_name_here" = "n", "bb" = "n", "1x" = "m"}), e-e = toset(["p"]), a = tolist(["q", "r"])} }
output "e072" { value = provider::terraform::encode_expr({bb = tomap({"long_name_here" = "n", "bb" = "n", "1x" = "m"}), e-e = toset(["p"]), a = tolist(["q", "r"])}) }
output "t072" { value = try(provider::terraform::encode_tfvars({bb = tomap({"long_name_here" = "n", "bb" = "n", "1x" = "m"}), e-e = toset(["p"]), a = tolist(["q", "r"])}), "ERROR") }
output "v073" { value = {e-e = ["\t", "a\"b\n", tomap({"x" = "n", "long_name_here" = "n"})], bb = [], a = {"with space" = "$${x}", "1x" = "é€", "a" = {"1x" = "a\"b\n", "\u00fc" = -2.5, "bb" = "é€"}, "x" = false}} }
output "e073" { value = provider::terraform::encode_expr({e-e = ["\t", "a\"b\n", tomap({"x" = "n", "long_name_here" = "n"})], bb = [], a = {"with space" = "$${x}", "1x" = "é€", "a" = {"1x" = "a\"b\n", "\u00fc" = -2.5, "bb" = "é€"}, "x" = false}}) }
output "t073" { value = try(provider::terraform::encode_tfvars({e-e = ["\t", "a\"b\n", tomap({"x" = "n", "long_name_here" = "n"})], bb = [], a = {"with space" = "$${x}", "1x" = "é€", "a" = {"1x" = "a\"b\n", "\u00fc" = -2.5, "bb" = "é€"}, "x" = false}}), "ERROR") }
output "v074" { value = {e-e = {"with space" = {"\u00fc" = "$${x}", "a" = null, "bb" = "s"}, "long_name_here" = [false, false, -2.5]}, ccc = {"a" = {"1x" = null, "_u" = 1e3}}} }
output "e074" { value = provider::terraform::encode_expr({e-e = {"with space" = {"\u00fc" = "$${x}", "a" = null, "bb" = "s"}, "long_name_here" = [false, false, -2.5]}, ccc = {"a" = {"1x" = null, "_u" = 1e3}}}) }
output "t074" { value = try(provider::terraform::encode_tfvars({e-e = {"with space" = {"\u00fc" = "$${x}", "a" = null, "bb" = "s"}, "long_name_here" = [false, false, -2.5]}, ccc = {"a" = {"1x" = null, "_u" = 1e3}}}), "ERROR") }
output "v075" { value = {ccc = {"a" = "\t", "1x" = "s"}} }
output "e075" { value = provider::terraform::encode_expr({ccc = {"a" = "\t", "1x" = "s"}}) }
output "t075" { value = try(provider::terraform::encode_tfvars({ccc = {"a" = "\t", "1x" = "s"}}), "ERROR") }
output "v076" { value = {ccc = tolist(["q"]), d_d = {"a" = tolist([]), "\u00fc" = 0, "1x" = [true]}} }
output "e076" { value = provider::terraform::encode_expr({ccc = tolist(["q"]), d_d = {"a" = tolist([]), "\u00fc" = 0, "1x" = [true]}}) }
output "t076" { value = try(provider::terraform::encode_tfvars({ccc = tolist(["q"]), d_d = {"a" = tolist([]), "\u00fc" = 0, "1x" = [true]}}), "ERROR") }
output "v077" { value = {a = [0, tomap({"\u00fc" = "m", "1x" = "n"})], bb = tolist(["p", "p", "r"]), e-e = "a\"b\n", d_d = tolist(["r", "p", "q"])} }
output "e077" { value = provider::terraform::encode_expr({a = [0, tomap({"\u00fc" = "m", "1x" = "n"})], bb = tolist(["p", "p", "r"]), e-e = "a\"b\n", d_d = tolist(["r", "p", "q"])}) }
output "t077" { value = try(provider::terraform::encode_tfvars({a = [0, tomap({"\u00fc" = "m", "1x" = "n"})], bb = tolist(["p", "p", "r"]), e-e = "a\"b\n", d_d = tolist(["r", "p", "q"])}), "ERROR") }
output "v078" { value = {d_d = tolist(["p"]), e-e = "é€", a = "a\"b\n"} }
output "e078" { value = provider::terraform::encode_expr({d_d = tolist(["p"]), e-e = "é€", a = "a\"b\n"}) }
output "t078" { value = try(provider::terraform::encode_tfvars({d_d = tolist(["p"]), e-e = "é€", a = "a\"b\n"}), "ERROR") }
output "v079" { value = {ccc = tomap({"\u00fc" = "n", "x" = "m", "\u00fc" = "n"}), bb = [], a = ["é€", tolist(["p"])]} }
output "e079" { value = provider::terraform::encode_expr({ccc = tomap({"\u00fc" = "n", "x" = "m", "\u00fc" = "n"}), bb = [], a = ["é€", tolist(["p"])]}) }
output "t079" { value = try(provider::terraform::encode_tfvars({ccc = tomap({"\u00fc" = "n", "x" = "m", "\u00fc" = "n"}), bb = [], a = ["é€", tolist(["p"])]}), "ERROR") }
output "d000" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([[]])), "ERROR") }
output "d001" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("é€")), "ERROR") }
output "d002" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(1e3)), "ERROR") }
output "d003" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("é€")), "ERROR") }
output "d004" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(-2.5)), "ERROR") }
output "d005" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([])), "ERROR") }
output "d006" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("é€")), "ERROR") }
output "d007" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([])), "ERROR") }
output "d008" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"a" = "s", "\u00fc" = "s", "x" = tolist(["r", "r"]), "bb" = 1e3})), "ERROR") }
output "d009" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tolist(["q"]))), "ERROR") }
output "d010" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(0)), "ERROR") }
output "d011" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(1)), "ERROR") }
output "d012" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(toset(["r", "r", "q"]))), "ERROR") }
output "d013" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"long_name_here" = "s", "_u" = tomap({"bb" = "n"}), "c-d" = tolist(["r", "q"])})), "ERROR") }
output "d014" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(-2.5)), "ERROR") }
output "d015" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(null)), "ERROR") }
output "d016" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(false)), "ERROR") }
output "d017" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("$${x}")), "ERROR") }
output "d018" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([])), "ERROR") }
output "d019" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"_u" = tolist(["p", "p", "q"]), "x" = [], "long_name_here" = 0, "c-d" = [null, {"a" = 1e3, "long_name_here" = 1}, true]})), "ERROR") }
output "d020" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("a\"b\n")), "ERROR") }
output "d021" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(["$${x}", [{"x" = false, "1x" = null, "_u" = "s"}, "s"], "a\"b\n"])), "ERROR") }
output "d022" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(1e3)), "ERROR") }
output "d023" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(true)), "ERROR") }
output "d024" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(null)), "ERROR") }
output "d025" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tolist(["p", "r"]))), "ERROR") }
output "d026" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"a" = {"\u00fc" = "\t", "x" = ["a\"b\n"], "with space" = []}, "long_name_here" = [], "\u00fc" = 1e3, "_u" = -2.5})), "ERROR") }
output "d027" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"a" = toset(["r"]), "bb" = false, "\u00fc" = toset(["p", "p", "q"]), "long_name_here" = {"long_name_here" = -2.5, "x" = tomap({"long_name_here" = "m", "x" = "m"}), "c-d" = "é€"}})), "ERROR") }
output "d028" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([])), "ERROR") }
output "d029" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"bb" = tolist(["q"]), "1x" = {"x" = toset(["p"]), "_u" = {"with space" = false}, "long_name_here" = tomap({}), "bb" = {"1x" = false, "with space" = 0, "_u" = false}}})), "ERROR") }
output "d030" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(-2.5)), "ERROR") }
output "d031" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("a\"b\n")), "ERROR") }
output "d032" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([toset([]), [{}, {}], {"long_name_here" = {"_u" = 0, "bb" = null, "\u00fc" = -2.5}}])), "ERROR") }
output "d033" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tomap({"c-d" = "m"}))), "ERROR") }
output "d034" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("$${x}")), "ERROR") }
output "d035" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"long_name_here" = tomap({"c-d" = "m", "a" = "m"})})), "ERROR") }
output "d036" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({})), "ERROR") }
output "d037" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tolist(["q"]))), "ERROR") }
output "d038" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"with space" = "a\"b\n"})), "ERROR") }
output "d039" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("a\"b\n")), "ERROR") }
output "d040" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"1x" = {}, "\u00fc" = {"long_name_here" = {"c-d" = "$${x}", "x" = 1e3, "1x" = "s", "\u00fc" = "$${x}"}, "\u00fc" = toset([])}})), "ERROR") }
output "d041" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tolist(["r", "r"]))), "ERROR") }
output "d042" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tolist(["p", "r", "p"]))), "ERROR") }
output "d043" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(true)), "ERROR") }
output "d044" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(-2.5)), "ERROR") }
output "d045" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tolist([]))), "ERROR") }
output "d046" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({})), "ERROR") }
output "d047" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([tomap({"x" = "n", "x" = "m", "x" = "n"})])), "ERROR") }
output "d048" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"long_name_here" = -2.5})), "ERROR") }
output "d049" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(["a\"b\n", [tomap({})]])), "ERROR") }
output "d050" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"_u" = "s"})), "ERROR") }
output "d051" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"bb" = ["\t", {"\u00fc" = null}, [-2.5]]})), "ERROR") }
output "d052" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(tomap({}))), "ERROR") }
output "d053" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars([[], [tolist([]), "a\"b\n"], {}])), "ERROR") }
output "d054" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(true)), "ERROR") }
output "d055" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("s")), "ERROR") }
output "d056" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars("s")), "ERROR") }
output "d057" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({"\u00fc" = tolist(["r", "q", "p"]), "c-d" = 0})), "ERROR") }
output "d058" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(-2.5)), "ERROR") }
output "d059" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(1)), "ERROR") }
output "d060" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({ccc = "a\"b\n"})), "ERROR") }
output "d061" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({ccc = {"a" = [1, "a\"b\n"], "_u" = {"1x" = "a\"b\n"}, "1x" = {"x" = "é€", "with space" = true}}})), "ERROR") }
output "d062" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({a = 0, ccc = tolist(["r"]), e-e = ["\t", [null, true, "a\"b\n"], [false]]})), "ERROR") }
output "d063" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({bb = "\t"})), "ERROR") }
output "d064" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({d_d = null, bb = {"with space" = "s", "1x" = "$${x}"}, a = false})), "ERROR") }
output "d065" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({e-e = true, ccc = "s", a = null})), "ERROR") }
output "d066" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({d_d = "\t"})), "ERROR") }
output "d067" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({bb = -2.5, a = 1e3})), "ERROR") }
output "d068" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({d_d = true})), "ERROR") }
output "d069" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({a = tomap({"_u" = "n", "c-d" = "n", "c-d" = "m"}), bb = {"\u00fc" = tolist([]), "c-d" = {"with space" = false, "bb" = null, "a" = "é€", "\u00fc" = 1}, "1x" = toset(["q"]), "x" = "$${x}"}})), "ERROR") }
output "d070" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({e-e = {}})), "ERROR") }
output "d071" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({d_d = -2.5})), "ERROR") }
output "d072" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({bb = tomap({"long_name_here" = "n", "bb" = "n", "1x" = "m"}), e-e = toset(["p"]), a = tolist(["q", "r"])})), "ERROR") }
output "d073" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({e-e = ["\t", "a\"b\n", tomap({"x" = "n", "long_name_here" = "n"})], bb = [], a = {"with space" = "$${x}", "1x" = "é€", "a" = {"1x" = "a\"b\n", "\u00fc" = -2.5, "bb" = "é€"}, "x" = false}})), "ERROR") }
output "d074" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({e-e = {"with space" = {"\u00fc" = "$${x}", "a" = null, "bb" = "s"}, "long_name_here" = [false, false, -2.5]}, ccc = {"a" = {"1x" = null, "_u" = 1e3}}})), "ERROR") }
output "d075" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({ccc = {"a" = "\t", "1x" = "s"}})), "ERROR") }
output "d076" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({ccc = tolist(["q"]), d_d = {"a" = tolist([]), "\u00fc" = 0, "1x" = [true]}})), "ERROR") }
output "d077" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({a = [0, tomap({"\u00fc" = "m", "1x" = "n"})], bb = tolist(["p", "p", "r"]), e-e = "a\"b\n", d_d = tolist(["r", "p", "q"])})), "ERROR") }
output "d078" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({d_d = tolist(["p"]), e-e = "é€", a = "a\"b\n"})), "ERROR") }
output "d079" { value = try(provider::terraform::decode_tfvars(provider::terraform::encode_tfvars({ccc = tomap({"\u00fc" = "n", "x" = "m", "\u00fc" = "n"}), bb = [], a = ["é€", tolist(["p"])]})), "ERROR") }
output "dx1" { value = provider::terraform::decode_tfvars("# c\nname = \"a\\\"b\\n$$$${x}\\u00e9\" // t\nn = -1.5e2\nobj = {\n  k1 = [1, 2,]\n  \"k 2\": { nested = false }, k3 = \"v\"\n}\ndoc = <<-EOT\n    hello\n      world\n    EOT\n") }
