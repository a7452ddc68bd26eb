// The repository's data files for the budget tests (KOMPAS_DATA_DIR is set by CMake).
#ifndef KOMPAS_SERVICES_BUDGET_TESTS_TEST_DATA_H_
#define KOMPAS_SERVICES_BUDGET_TESTS_TEST_DATA_H_

#include <string>

#include "services/budget/api/budget_logic.h"

namespace kompas::budget {

// National rules only: the hand-worked national cases hold whatever a gemeente's schemes say.
inline BudgetDataFiles NationalFiles(const std::string& org_standards_dir = "") {
  BudgetDataFiles files = BudgetDataFiles::InDirectory(KOMPAS_DATA_DIR);
  files.municipal_dir.clear();
  files.org_standards_dir = org_standards_dir;
  return files;
}

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_TESTS_TEST_DATA_H_
