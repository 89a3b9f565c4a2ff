# Warnings for cpjit's own C++ code (not for generated or third-party code).
function(cpjit_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
