import { BoldOutlined, ItalicOutlined, OrderedListOutlined, RedoOutlined, UnderlineOutlined, UndoOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { Button, Divider, Select, Tooltip } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface RichTextEditorProps {
  /** HTML, as the API stores the notice body. */
  value?: string;
  onChange?: (html: string) => void;
  id?: string;
  disabled?: boolean;
}

/** An empty document is stored as ''. */
const normalise = (html: string) => (html === '<p></p>' ? '' : html);

type Block = 'paragraph' | 'h1' | 'h2' | 'h3' | 'h4';

function Toolbar({ editor }: { editor: Editor }) {
  const { t } = useTranslation();
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      block: ([1, 2, 3, 4] as const).map((level) => (e.isActive('heading', { level }) ? (`h${level}` as Block) : null)).find(Boolean) ?? 'paragraph',
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      underline: e.isActive('underline'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();
  const toggle = (active: boolean, label: string, icon: ReactNode, run: () => void, testId: string) => (
    <Tooltip title={label}>
      <Button type={active ? 'primary' : 'text'} size="small" icon={icon} aria-label={label} aria-pressed={active} onClick={run} data-testid={testId} />
    </Tooltip>
  );
  return (
    <div className="hj-rte-toolbar" role="toolbar" aria-label={t('editor.toolbar')}>
      <Select<Block>
        size="small"
        style={{ width: 130 }}
        value={state.block}
        data-testid="editor-block"
        onChange={(block) => {
          if (block === 'paragraph') chain().setParagraph().run();
          else chain().setHeading({ level: Number(block.slice(1)) as 1 | 2 | 3 | 4 }).run();
        }}
        options={[
          { value: 'paragraph', label: t('editor.paragraph') },
          { value: 'h1', label: t('editor.heading1') },
          { value: 'h2', label: t('editor.heading2') },
          { value: 'h3', label: t('editor.heading3') },
          { value: 'h4', label: t('editor.heading4') },
        ]}
      />
      <Divider orientation="vertical" />
      {toggle(state.bold, t('editor.bold'), <BoldOutlined />, () => chain().toggleBold().run(), 'editor-bold')}
      {toggle(state.italic, t('editor.italic'), <ItalicOutlined />, () => chain().toggleItalic().run(), 'editor-italic')}
      {toggle(state.underline, t('editor.underline'), <UnderlineOutlined />, () => chain().toggleUnderline().run(), 'editor-underline')}
      <Divider orientation="vertical" />
      {toggle(state.bulletList, t('editor.bulletList'), <UnorderedListOutlined />, () => chain().toggleBulletList().run(), 'editor-bullet-list')}
      {toggle(state.orderedList, t('editor.orderedList'), <OrderedListOutlined />, () => chain().toggleOrderedList().run(), 'editor-ordered-list')}
      <Divider orientation="vertical" />
      <Tooltip title={t('editor.undo')}>
        <Button type="text" size="small" icon={<UndoOutlined />} aria-label={t('editor.undo')} disabled={!state.canUndo} onClick={() => chain().undo().run()} />
      </Tooltip>
      <Tooltip title={t('editor.redo')}>
        <Button type="text" size="small" icon={<RedoOutlined />} aria-label={t('editor.redo')} disabled={!state.canRedo} onClick={() => chain().redo().run()} />
      </Tooltip>
    </div>
  );
}

/**
 * The notice body: TipTap with what official documents use — paragraphs, headings (一、（一）1.
 * levels), bold/italic/underline, lists. Anything else is dropped by the server's sanitiser, so
 * the editor does not offer it. An antd Form control (value/onChange as HTML).
 */
export default function RichTextEditor({ value, onChange, id, disabled }: RichTextEditorProps) {
  const { t } = useTranslation();
  const emitted = useRef(value ?? '');
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [1, 2, 3, 4] },
        code: false,
        codeBlock: false,
        horizontalRule: false,
        strike: false,
        link: false,
      }),
    ],
    content: value ?? '',
    editable: !disabled,
    editorProps: {
      attributes: {
        'data-testid': 'notice-body-editor',
        class: 'hj-rte-content hj-gw-body',
        'aria-label': t('editor.label'),
        'aria-multiline': 'true',
        role: 'textbox',
        ...(id ? { id } : {}),
      },
    },
    onUpdate: ({ editor: e }) => {
      const html = normalise(e.getHTML());
      emitted.current = html;
      onChangeRef.current?.(html);
    },
  });

  // A value set from outside (the form loaded or reset): show it without echoing it back.
  useEffect(() => {
    if (!editor || value === undefined || value === emitted.current) return;
    emitted.current = value;
    editor.commands.setContent(value, { emitUpdate: false });
  }, [editor, value]);

  useEffect(() => {
    editor?.setEditable(!disabled);
  }, [editor, disabled]);

  return (
    <div className={disabled ? 'hj-rte hj-rte-disabled' : 'hj-rte'}>
      {editor && !disabled && <Toolbar editor={editor} />}
      <EditorContent editor={editor} />
    </div>
  );
}
