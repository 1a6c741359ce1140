"""The user guide and glossary: in Vietnamese, the facts of the domain notes with their sources."""

import re

from django.urls import reverse


def test_the_guide_states_the_levels_groups_and_the_revocation_rule_with_sources(client):
    html = client.get(reverse("trends:guide")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Hướng dẫn sử dụng và thuật ngữ" in text
    assert "NTM nâng cao và NTM kiểu mẫu" in text
    assert "Quyết định 318/QĐ-TTg (8/3/2022)" in text and "Quyết định 211/QĐ-TTg (1/3/2024)" in text
    assert "10 tiêu chí, 47 chỉ tiêu" in text and "15/2/2026" in text
    assert "Nhóm 3: xã khu vực II, III" in text and "nông nghiệp dưới 10% cơ cấu kinh tế" in text
    assert "từ 50% số tiêu chí trở lên không đạt" in text
    assert "từ 30% đến 50% số tiêu chí không đạt" in text
    assert "ít nhất 05 lần trong 15 ngày" in text
    assert "minh họa" in text
    assert "Nợ đọng" in text or "nợ đọng xây dựng cơ bản" in text
    assert "Nhập từ Excel" in text and "Nộp lên tỉnh" in text
    sources = re.search(r'id="guide-sources">(.*?)</ul>', html, re.S).group(1)
    assert "41861/truong-hop-thu-hoi-quyet-dinh-cong-nhan" in sources
    assert "quyet-dinh-51-2025-qd-ttg" in sources
    glossary = re.search(r'id="glossary-table">(.*?)</table>', html, re.S).group(1)
    assert glossary.count("<tr>") >= 14 and "nợ đọng xây dựng cơ bản" in glossary


def test_the_menu_and_the_login_page_link_to_it(client, officer):
    assert reverse("trends:guide") in client.get(reverse("login")).content.decode()
    client.force_login(officer)
    assert 'id="guide-link"' in client.get(reverse("notifications:index")).content.decode()
