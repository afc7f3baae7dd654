"""運用ポリシー templates, versions and PDF documents (P-1〜P-10); built with the policies issue."""
