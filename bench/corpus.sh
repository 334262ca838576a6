# Sourced by the bench scripts: `pufa_corpus DIR PAGES GEN` makes the generated pufa corpus
# (../shared/bench/gen_corpus.py, plain flavor) with the bench's config.yaml, once.
pufa_corpus() {
  local dir="$1" pages="$2" gen="$3"
  [ -f "$dir/config.yaml" ] && return 0
  rm -rf "$dir"
  python3 "$gen" "$dir" --pages "$pages" --flavor plain
  cat > "$dir/config.yaml" <<'YAML'
title: 法治政府建设与普法宣传
description: 基准测试语料
base_url: https://example.org/
government_site: false
taxonomies:
  - { name: topics, title: 主题 }
  - { name: departments, title: 部门 }
YAML
}
