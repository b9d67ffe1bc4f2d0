from checkov.common.models.enums import CheckResult, CheckCategories
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

class TerraformDataInputSet(BaseResourceCheck):
    def __init__(self):
        super().__init__(name="terraform_data must set input", id="CKV_TERRANE_1",
                         categories=[CheckCategories.GENERAL_SECURITY],
                         supported_resources=["terraform_data"])

    def scan_resource_conf(self, conf):
        v = conf.get("input")
        if v in (None, [None], [], [""]):
            return CheckResult.FAILED
        return CheckResult.PASSED

check = TerraformDataInputSet()
