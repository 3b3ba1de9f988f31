import { describe, expect, it } from 'vitest';
import { blocksToPlainText, parseNoticeHtml, sanitizeNoticeHtml, type TableBlock } from './rich-text';

describe('sanitizeNoticeHtml', () => {
  it('removes scripts, styles, event handlers and images', () => {
    const html = sanitizeNoticeHtml(
      '<style>p{color:red}</style><p onclick="steal()" style="color:red" class="x">正文<script>alert(1)</script><img src="x.png" onerror="alert(2)"></p>',
    );
    expect(html).toBe('<p>正文</p>');
  });

  it('keeps a link as its text only', () => {
    expect(sanitizeNoticeHtml('<p>见<a href="javascript:alert(1)">科技工作者之家</a>专栏</p>')).toBe('<p>见科技工作者之家专栏</p>');
  });

  it('keeps tables with numeric spans and drops other attributes', () => {
    const html = sanitizeNoticeHtml('<table border="1"><tbody><tr><td colspan="2" rowspan="x" width="9">联系人</td></tr></tbody></table>');
    expect(html).toBe('<table><tbody><tr><td colspan="2">联系人</td></tr></tbody></table>');
  });

  it('keeps the formatting an official notice uses', () => {
    const html = '<h1>一、指导思想</h1><p><strong>加粗</strong><em>斜体</em><u>下划线</u><br /></p><ol start="3"><li>甲</li></ol><blockquote><p>引文</p></blockquote>';
    expect(sanitizeNoticeHtml(html)).toBe(html);
  });

  it('turns pasted block wrappers into paragraphs and drops Word metadata', () => {
    const html = sanitizeNoticeHtml('<xml><o:OfficeDocumentSettings>1</o:OfficeDocumentSettings></xml><div>第一段</div><div>第二段</div>');
    expect(html).toBe('<p>第一段</p><p>第二段</p>');
  });
});

describe('parseNoticeHtml', () => {
  it('splits paragraphs and keeps bold, italic and underline runs', () => {
    const blocks = parseNoticeHtml('<p>请于<strong>6月5日前</strong>报送，<em>逾期</em>不候，<u>电子稿</u>发至邮箱。</p>');
    expect(blocks).toEqual([
      {
        type: 'paragraph',
        runs: [
          { text: '请于' },
          { text: '6月5日前', bold: true },
          { text: '报送，' },
          { text: '逾期', italic: true },
          { text: '不候，' },
          { text: '电子稿', underline: true },
          { text: '发至邮箱。' },
        ],
      },
    ]);
  });

  it('drops script content and handler attributes before parsing', () => {
    const blocks = parseNoticeHtml('<p onclick="x()">正文<script>document.cookie</script></p>');
    expect(blocksToPlainText(blocks)).toBe('正文');
  });

  it('collapses whitespace, joins CJK lines and drops manual full-width indentation', () => {
    const blocks = parseNoticeHtml('<p>\n　　现将省科协通知\n  转发给你们，   请结合 实际。 </p><p>  </p><p><br></p>');
    expect(blocks).toEqual([{ type: 'paragraph', runs: [{ text: '现将省科协通知转发给你们， 请结合 实际。' }] }]);
  });

  it('keeps line breaks as newlines inside one paragraph', () => {
    const blocks = parseNoticeHtml('<p>联系人：许超<br>联系电话：6203817<br></p>');
    expect(blocks).toEqual([{ type: 'paragraph', runs: [{ text: '联系人：许超' }, { text: '\n' }, { text: '联系电话：6203817' }] }]);
  });

  it('reads headings by level', () => {
    const blocks = parseNoticeHtml('<h1>一、指导思想</h1><h2>（一）第一阶段</h2><p>正文</p><h5>（1）深层</h5>');
    expect(blocks.map((b) => (b.type === 'heading' ? `h${b.level}` : b.type))).toEqual(['h1', 'h2', 'paragraph', 'h4']);
  });

  it('numbers list items by depth and honours start', () => {
    const blocks = parseNoticeHtml('<ol start="2"><li>加强组织领导<ol><li>甲</li><li><p>乙</p><p>乙的续段</p></li></ol></li><li>抓好统筹协调</li></ol><ul><li>要点</li></ul>');
    expect(blocksToPlainText(blocks).split('\n')).toEqual(['2.加强组织领导', '（1）甲', '（2）乙', '乙的续段', '3.抓好统筹协调', '• 要点']);
    expect(blocks[0]).toMatchObject({ type: 'listItem', ordered: true, depth: 0 });
    expect(blocks[3]).toMatchObject({ type: 'paragraph' });
  });

  it('places rowspan and colspan cells on a grid and pads short rows', () => {
    const blocks = parseNoticeHtml(
      '<table><thead><tr><th>项目</th><th colspan="2">内容</th></tr></thead><tbody>' +
        '<tr><td rowspan="2">联系人</td><td>姓名</td><td><strong>办公电话</strong></td></tr>' +
        '<tr><td>手机</td></tr>' +
        '<tr><td>邮寄地址</td><td rowspan="5">地址</td></tr></tbody></table>',
    );
    expect(blocks).toHaveLength(1);
    const table = blocks[0] as TableBlock;
    expect(table.type).toBe('table');
    expect(table.columnCount).toBe(3);
    expect(table.headerRowCount).toBe(1);
    expect(table.rows.map((row) => row.map((c) => [c.column, c.colspan, c.rowspan]))).toEqual([
      [[0, 1, 1], [1, 2, 1]],
      [[0, 1, 2], [1, 1, 1], [2, 1, 1]],
      [[1, 1, 1], [2, 1, 1]],
      // The rowspan of 5 is clipped to the one row left; the missing third cell is padded.
      [[0, 1, 1], [1, 1, 1], [2, 1, 1]],
    ]);
    expect(table.rows[1]![2]!.paragraphs).toEqual([[{ text: '办公电话', bold: true }]]);
    expect(table.rows[0]![0]!.header).toBe(true);
    expect(table.rows[3]![2]!.paragraphs).toEqual([]);
  });

  it('returns nothing for empty or hostile input', () => {
    expect(parseNoticeHtml('')).toEqual([]);
    expect(parseNoticeHtml('<script>alert(1)</script><img src=x>')).toEqual([]);
    expect(parseNoticeHtml('<table></table>')).toEqual([]);
  });

  it('decodes entities', () => {
    expect(blocksToPlainText(parseNoticeHtml('<p>A&amp;B &lt;科协&gt;&nbsp;“通知”</p>'))).toBe('A&B <科协>\u00a0“通知”');
  });
});
